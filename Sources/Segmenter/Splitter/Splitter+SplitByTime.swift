/// Two cutting options of FFmpeg's HLS muxer that change where segments end:
///
/// - `split_by_time`: a segment ends at the first video frame at or after its grid time, keyframe
///   or not. The next segment then starts with a frame that needs earlier frames to decode, so it
///   is not independent (`Segment.isIndependent` is false). B-frames (frames that present before
///   a frame decoded earlier) are never cut at: the cut's presentation time would run backwards.
/// - `hls_init_time`: the first `InitialSegments.count` segments aim at `InitialSegments.duration`,
///   the rest at `targetDuration`, on a grid that continues from the end of the initial ones.
extension Splitter.Configuration {
    /// The grid this configuration cuts on (`hls_time`, and `hls_init_time` when set).
    public var grid: SegmentGrid {
        SegmentGrid(targetDuration: targetDuration, initialSegments: initialSegments)
    }
}

extension Splitter {
    /// With `split_by_time`, whether a non-keyframe video packet of the reference track may
    /// end a segment: only when it presents after every sample queued before it (not a B-frame).
    func isTimeCutCandidate(_ packet: MediaPacket, timelineIndex index: Int) -> Bool {
        guard configuration.splitByTime, index == referenceIndex else { return false }
        let timeline = timelines[index]
        let latest = max(timeline.queue.lazy.map(\.pts).max() ?? .min, timeline.held?.pts ?? .min)
        return packet.pts > latest
    }
}
