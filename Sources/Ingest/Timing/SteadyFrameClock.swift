/// Stamps frames that carry no timestamps on a steady grid: frame n of the grid is at
/// `anchor + n × frame duration` (exact, see `FrameRate.time(ofFrame:timescale:)`), in ticks of
/// the output timescale, with `dts == pts` (such frames carry no presentation order).
///
/// ```
/// arrivals   |  |    ||  |   |                         (3 s pause)          |  |  |
/// stamps     |   |   |   |   |                                              |   |   |
///            ^ anchor: the first arrival                                    ^ re-anchored
/// ```
///
/// - The grid starts at the first frame's arrival (0 for a file), so frames share their
///   clock with other tracks timed by arrival (audio of the same connection).
/// - A new rate continues the grid where the next frame was due: stamps never jump back.
/// - Live sources pause: when a frame arrives more than `reanchorDelay` after its place on the
///   grid, the grid starts again at that frame's arrival, so timestamps never fall seconds
///   behind real time. Smaller delays are jitter and stay on the grid.
/// - Stamps rise strictly, whatever the rate.
struct SteadyFrameClock: Sendable {
    /// How far a frame may arrive behind its place on the grid before the grid restarts at its
    /// arrival (in seconds): far beyond network jitter, short enough that a live stream stays
    /// near real time.
    static let reanchorDelaySeconds: Int64 = 1

    let timescale: UInt32
    private var anchor: Int64 = 0
    /// The index on the grid of the last frame stamped.
    private var index: Int64 = 0
    private var rate: FrameRate?
    private(set) var lastStamp: Int64?

    init(timescale: UInt32) {
        self.timescale = timescale
    }

    /// A frame's place on the grid.
    struct Stamp: Equatable {
        var time: Int64
        /// To where the next frame is due on the grid.
        var duration: Int64
        /// The frame arrived more than `reanchorDelaySeconds` behind its place, and the grid
        /// starts again at its arrival.
        var reanchored: Bool
    }

    /// The timestamp of the next frame at `rate`. `arrival` (ticks, on the clock the grid
    /// should follow) is `nil` for a file, which has no arrival times and is never re-anchored.
    mutating func stamp(rate: FrameRate, arrival: Int64?) -> Stamp {
        guard let last = lastStamp, let current = self.rate else {
            anchor = arrival ?? 0
            index = 0
            self.rate = rate
            lastStamp = anchor
            return Stamp(time: anchor, duration: frameDuration(), reanchored: false)
        }
        if rate != current {
            anchor += current.time(ofFrame: index + 1, timescale: timescale)
            index = 0
            self.rate = rate
        } else {
            index += 1
        }
        var time = anchor + rate.time(ofFrame: index, timescale: timescale)
        let reanchorDelay = Self.reanchorDelaySeconds * Int64(timescale)
        let reanchored = arrival.map { $0 - time > reanchorDelay } ?? false
        if reanchored, let arrival {
            (anchor, index, time) = (arrival, 0, arrival)
        }
        if time <= last {  // a rate above the timescale: frames one tick apart
            (anchor, index, time) = (last + 1, 0, last + 1)
        }
        lastStamp = time
        return Stamp(time: time, duration: frameDuration(), reanchored: reanchored)
    }

    /// From the last stamped frame to the next grid position (at least one tick).
    private func frameDuration() -> Int64 {
        guard let rate, let last = lastStamp else { return 1 }
        return max(1, anchor + rate.time(ofFrame: index + 1, timescale: timescale) - last)
    }
}
