/// Keeps AAC timestamps exact when the container stored them in a coarse clock.
///
/// mkv and flv store audio times in milliseconds, so 1024-sample frames at 48 kHz arrive as
/// 0, 21, 42, 64 … ms; converted back to samples they jitter by up to one millisecond. When a
/// timestamp lies within one source tick of where the previous frame ended, the exact
/// continuation is used instead; a larger difference is a real gap (or overlap) and is kept.
struct AudioTimestampSmoother {
    /// One tick of the source clock, in output ticks (`Timescales.tickSpan`).
    let tolerance: Int64
    private(set) var next: Int64?

    init(tolerance: Int64) {
        self.tolerance = tolerance
    }

    /// The timestamp to use for a frame the container stamped `timestamp` (nil: not stamped),
    /// lasting `duration` output ticks.
    mutating func place(_ timestamp: Int64?, duration: Int64) -> Int64 {
        let placed: Int64
        switch (timestamp, next) {
        case (let stamped?, let expected?): placed = abs(stamped - expected) <= tolerance ? expected : stamped
        case (let stamped?, nil): placed = stamped
        case (nil, let expected?): placed = expected
        case (nil, nil): placed = 0
        }
        next = placed + duration
        return placed
    }
}
