/// FFmpeg's rule for where segments end: segment n (1-based) ends at the first cut candidate
/// (a video keyframe; any audio frame in audio-only streams) whose presentation time, measured
/// from the stream start, is at or after `n × hls_time`. Cutting on a fixed grid, not "hls_time
/// after the last cut", keeps long-run segment boundaries where FFmpeg puts them.
public struct SegmentGrid: Sendable, Equatable {
    public var targetDuration: Double

    public init(targetDuration: Double) {
        self.targetDuration = targetDuration
    }

    /// Whether a candidate at `time` seconds after the stream start closes segment `segmentNumber` (1-based).
    /// A tolerance of a microsecond absorbs the rounding of timestamps that sit exactly on the grid.
    public func closes(segmentNumber: Int, at time: Double) -> Bool {
        time + 1e-6 >= targetDuration * Double(segmentNumber)
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
