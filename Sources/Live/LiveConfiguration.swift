import Packager

/// How live streams (RTMP, WebSocket, pulled URLs) are packaged and who may publish them.
public struct LiveConfiguration: Sendable {
    /// After the publisher of a stream disconnects, this long without a new one ends the
    /// playlist (`EXT-X-ENDLIST`); a publisher that comes back sooner continues it after a
    /// discontinuity (`--idle-timeout`).
    public var idleTimeout: Duration
    /// HLS options of every stream without its own.
    public var packager: PackagerConfiguration
    /// Tokens that let anyone publish any stream; empty (and no per-stream tokens) = open.
    public var publishTokens: Set<String>
    /// Per-stream settings by stream name.
    public var streams: [String: LiveStreamSettings]
    /// When written files reach the disk (`--fsync`): `.periodic` lists each file as soon as it
    /// is complete and syncs the output file system every `syncInterval`; `.perFile` fsyncs
    /// each file before it is listed (see `FileSync`).
    public var fileSync: FileSync
    public var syncInterval: Duration
    /// Seconds of media in each archive period playlist (`--archive-period`, default 1 h); 0:
    /// no rotation (the live playlist is the whole archive, an EVENT playlist).
    public var archivePeriod: Double
    /// Seconds of media the live playlist keeps while archives rotate (`--dvr-window`, default 2 h).
    public var dvrWindow: Double
    /// Retention of every stream without its own limits (`--retain-for`, `--retain-max-size`);
    /// a stream's own (`LiveStreamSettings.retention`) replace these one by one.
    public var retention: RetentionLimits
    /// Bytes of segments all streams together keep (`--retain-total-size`); nil: no limit.
    public var retainTotalSize: Int64?

    public init(
        idleTimeout: Duration = .seconds(30), packager: PackagerConfiguration = LiveConfiguration.defaultPackager,
        publishTokens: Set<String> = [], streams: [String: LiveStreamSettings] = [:],
        fileSync: FileSync = .periodic, syncInterval: Duration = .seconds(1), archivePeriod: Double = 3600, dvrWindow: Double = 7200,
        retention: RetentionLimits = RetentionLimits(), retainTotalSize: Int64? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.packager = packager
        self.publishTokens = publishTokens
        self.streams = streams
        self.fileSync = fileSync
        self.syncInterval = syncInterval
        self.archivePeriod = archivePeriod
        self.dvrWindow = dvrWindow
        self.retention = retention
        self.retainTotalSize = retainTotalSize
    }

    /// EVENT playlist, 2 s segments `seg<N>.m4s`, `init.mp4`, `index.m3u8`; `append_list`, so a
    /// publisher that comes back after the playlist ended continues it (after a discontinuity)
    /// instead of overwriting it.
    public static var defaultPackager: PackagerConfiguration {
        // The pattern is a valid constant; `try!` cannot fail.
        PackagerConfiguration(
            hlsTime: 2, playlistType: .event, segmentFilename: try! SegmentFilenameTemplate("seg%d.m4s"), flags: [.appendList])
    }

    /// The packager configuration of `stream`: its own or the default, kept as an archive
    /// (`PackagerConfiguration.archiving`) unless `archivePeriod` is 0. The archive index is
    /// the hub's to add (it opens one per stream).
    public func packager(for stream: String) -> PackagerConfiguration {
        let configuration = streams[stream]?.packager ?? packager
        guard archivePeriod > 0 else { return configuration }
        return configuration.archiving(ArchiveSettings(period: archivePeriod, dvrWindow: dvrWindow))
    }

    /// The retention limits of `stream`: its own, each missing one taken from `retention`.
    public func retention(for stream: String) -> RetentionLimits {
        streams[stream]?.retention.filled(from: retention) ?? retention
    }

    /// Whether any stream has a retention limit (or the root has one).
    public var hasRetention: Bool {
        retainTotalSize != nil || !retention.isEmpty || streams.values.contains { !$0.retention.isEmpty }
    }

    /// The tokens that open `stream`: its own when it has any, else the global ones; empty = open.
    public func tokens(for stream: String) -> Set<String> {
        if let own = streams[stream]?.publishTokens, !own.isEmpty { return own }
        return publishTokens
    }
}
