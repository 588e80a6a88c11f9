import Packager

/// One stream's own settings in `LiveConfiguration.streams`: its HLS options and tokens when
/// they differ from the defaults, and the URL it is pulled from.
public struct LiveStreamSettings: Sendable {
    public var packager: PackagerConfiguration?
    public var publishTokens: Set<String>
    /// A URL the server reads this stream from (`rtsp://`, `srt://`, `http://`, a file), retried
    /// with backoff; nil: the stream is pushed (RTMP, WebSocket).
    public var pullURL: String?
    /// Read `pullURL` at its own pace (`--re`; for files).
    public var pullRealtime: Bool
    /// Its own retention limits; each one missing is `LiveConfiguration.retention`'s.
    public var retention: RetentionLimits

    public init(
        packager: PackagerConfiguration? = nil, publishTokens: Set<String> = [], pullURL: String? = nil, pullRealtime: Bool = false,
        retention: RetentionLimits = RetentionLimits()
    ) {
        self.packager = packager
        self.publishTokens = publishTokens
        self.pullURL = pullURL
        self.pullRealtime = pullRealtime
        self.retention = retention
    }
}
