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
    /// Frames per second for raw Annex-B H.264 (`.h264`), which carries no timestamps: the
    /// user's `--framerate`, which wins over the timing in the SPS. `nil` (not given): the SPS
    /// VUI timing (`time_scale / (2 · num_units_in_tick)`), or `defaultFramerate` without it.
    public var framerate: Int?
    /// Which streams to take. `MergedInput` opens its second and later inputs with only the
    /// kinds still missing, so an unsupported stream it would not use cannot fail the open.
    public var media: Set<MediaKind>
    /// An audio stream in a codec hlsseg cannot take (neither AAC nor G.711): `false` refuses
    /// the input (`.unsupportedCodec`, as `hlsseg segment` does); `true` keeps the video and
    /// drops the audio with one warning, as live pulled sources do.
    public var dropsUnsupportedAudio: Bool

    /// The rate of raw H.264 without VUI timing when the user gave none (ffmpeg's default).
    public static let defaultFramerate = 25

    public init(
        realtime: Bool = false, framerate: Int? = nil, media: Set<MediaKind> = [.video, .audio], dropsUnsupportedAudio: Bool = false
    ) {
        self.realtime = realtime
        self.framerate = framerate
        self.media = media
        self.dropsUnsupportedAudio = dropsUnsupportedAudio
    }
}
