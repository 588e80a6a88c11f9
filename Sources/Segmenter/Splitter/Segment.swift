/// A finished segment: the samples of every track between two cuts, with exact timing.
public struct Segment: Sendable {
    /// 0-based position in the order the splitter emitted segments.
    public var index: Int
    /// Seconds from the stream's time origin (where every track's decode timeline starts).
    public var startTime: Double
    /// The segment's media duration in seconds: from its start to the next segment's start
    /// (for the last segment, to the end of the longest track).
    public var duration: Double
    /// True when a decoder can start here: the video begins with a keyframe (always true for audio-only).
    public var isIndependent: Bool
    /// One entry per track that has samples in this segment.
    public var tracks: [TrackFragment]

    public init(index: Int, startTime: Double, duration: Double, isIndependent: Bool, tracks: [TrackFragment]) {
        self.index = index
        self.startTime = startTime
        self.duration = duration
        self.isIndependent = isIndependent
        self.tracks = tracks
    }
}
