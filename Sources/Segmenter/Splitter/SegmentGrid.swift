/// FFmpeg's rule for where segments end: segment n (1-based) ends at the first cut candidate
/// (a video keyframe; any audio frame in audio-only streams) whose presentation time, measured
/// from the stream start, is at or after the grid line `boundary(n)` — `n × hls_time`, or with
/// `hls_init_time` first the initial segments' lines, then `hls_time` steps from the last of them.
/// Cutting on a fixed grid, not "hls_time after the last cut", keeps long-run segment boundaries
/// where FFmpeg puts them.
public struct SegmentGrid: Sendable, Equatable {
    /// FFmpeg's `hls_init_time`: a shorter (or longer) target for the first segments, so a
    /// player can start sooner.
    public struct InitialSegments: Sendable, Equatable {
        /// Target duration (seconds) of the initial segments.
        public var duration: Double
        /// How many segments are initial; `Int.max` for all of them.
        public var count: Int

        public init(duration: Double, count: Int) {
            self.duration = duration
            self.count = count
        }
    }

    public var targetDuration: Double
    public var initialSegments: InitialSegments?

    public init(targetDuration: Double, initialSegments: InitialSegments? = nil) {
        self.targetDuration = targetDuration
        self.initialSegments = initialSegments
    }

    /// Seconds from the stream start at which segment `segmentNumber` (1-based) may end.
    public func boundary(segmentNumber: Int) -> Double {
        guard let initial = initialSegments, initial.duration > 0, initial.count > 0 else {
            return targetDuration * Double(segmentNumber)
        }
        if segmentNumber <= initial.count { return initial.duration * Double(segmentNumber) }
        return initial.duration * Double(initial.count) + targetDuration * Double(segmentNumber - initial.count)
    }

    /// Whether a candidate at `time` seconds after the stream start closes segment `segmentNumber` (1-based).
    /// A tolerance of a microsecond absorbs the rounding of timestamps that sit exactly on the grid.
    public func closes(segmentNumber: Int, at time: Double) -> Bool {
        time + 1e-6 >= boundary(segmentNumber: segmentNumber)
    }

    /// The durations the grid gives for a stream whose cut candidates (keyframes) present at
    /// `keyframeTimes` and which ends at `endTime`, all in seconds from the stream start.
    /// The packager uses this to fix EXT-X-TARGETDURATION before the first segment is listed.
    public func plannedDurations(keyframeTimes: [Double], endTime: Double) -> [Double] {
        var durations: [Double] = []
        var segmentStart = 0.0
        for time in keyframeTimes.sorted() where time > segmentStart && time < endTime {
            if closes(segmentNumber: durations.count + 1, at: time) {
                durations.append(time - segmentStart)
                segmentStart = time
            }
        }
        if endTime > segmentStart { durations.append(endTime - segmentStart) }
        return durations
    }
}
