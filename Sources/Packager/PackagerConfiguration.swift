import Playlist

/// How one output stream is named and cut; FFmpeg's hlsenc option names in the comments.
public struct PackagerConfiguration: Sendable {
    /// `hls_time`: the target segment duration in seconds.
    public var hlsTime: Double
    /// `hls_playlist_type`: `.event` (the default), `.vod`, or nil for a sliding live playlist.
    public var playlistType: PlaylistType?
    /// The playlist file name (FFmpeg takes it from the output path).
    public var playlistName: String
    /// `hls_segment_filename`.
    public var segmentFilename: SegmentFilenameTemplate
    /// `hls_fmp4_init_filename`.
    public var initFilename: String
    /// `start_number`: the media sequence number (and file number) of the first segment.
    public var startNumber: Int

    public init(
        hlsTime: Double = 2, playlistType: PlaylistType? = .event, playlistName: String = "index.m3u8",
        segmentFilename: SegmentFilenameTemplate, initFilename: String = "init.mp4", startNumber: Int = 0
    ) {
        self.hlsTime = hlsTime
        self.playlistType = playlistType
        self.playlistName = playlistName
        self.segmentFilename = segmentFilename
        self.initFilename = initFilename
        self.startNumber = startNumber
    }
}

/// What a source can tell before it is read: where its video keyframes present and where it
/// ends (seconds on the source clock). With it the packager fixes EXT-X-TARGETDURATION before
/// the first segment is listed, so it never has to change even when a GOP mid-stream is long.
public struct KeyframePlan: Sendable, Equatable {
    public var keyframeTimes: [Double]
    public var endTime: Double?

    public init(keyframeTimes: [Double], endTime: Double?) {
        self.keyframeTimes = keyframeTimes
        self.endTime = endTime
    }
}
