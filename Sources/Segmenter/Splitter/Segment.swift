/// A finished segment: the samples of every track between two cuts, with exact timing.
public struct Segment: Sendable {
    /// 0-based position in the order the splitter emitted segments.
    public var index: Int
    /// Presentation seconds from the stream start (the earliest first presentation time).
    public var startTime: Double
    /// The segment's media duration in seconds: from its start to the next segment's start
    /// (the next keyframe's presentation time; for the last segment, the latest presentation end).
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
