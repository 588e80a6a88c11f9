/// The kinds of stream an input can contribute.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    case video
    case audio
}

/// How an input is opened and read.
public struct InputOptions: Sendable, Equatable {
    /// Deliver packets no faster than their timestamps (ffmpeg's `-re`), for feeding a file
    /// into a live output. See `RealtimePacer`.
    public var realtime: Bool
    /// Frames per second assumed for raw Annex-B H.264 (`.h264`), which carries no timestamps;
    /// passed to libavformat's `h264` demuxer as its `framerate` option. As with ffmpeg's
    /// `-framerate`, timing in the SPS (VUI `time_scale` / `num_units_in_tick`) takes precedence.
    public var framerate: Int
    /// Which streams to take. `MergedInput` opens its second and later inputs with only the
    /// kinds still missing, so an unsupported stream it would not use cannot fail the open.
    public var media: Set<MediaKind>

    public init(realtime: Bool = false, framerate: Int = 25, media: Set<MediaKind> = [.video, .audio]) {
        self.realtime = realtime
        self.framerate = framerate
        self.media = media
    }
}
