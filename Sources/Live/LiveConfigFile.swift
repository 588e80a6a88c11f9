import Ingest
import Packager
import Playlist

/// The `hlsseg.yml` model (decoded with Yams by the executable; JSON works as well):
///
/// ```yaml
/// rtmp_port: 1935            # optional; flags override
/// rtmp_threads: 1            # event loop threads reading publishers (default: cores / 4, ≥ 1)
/// rtmp_max_message_size: 4194304       # bytes, largest RTMP message (keyframe) a publisher may send
/// rtmp_max_pending_connections: 256    # connections that have not had a publish accepted, at once
/// rtmp_pending_buffer_budget: 33554432 # bytes such connections may hold together
/// g711_aac_bitrate: 32000    # bit/s of the AAC that G.711 audio is transcoded to (8000…48000)
/// idle_timeout: 30           # seconds
/// fsync: periodic            # periodic | per-file (see FileSync)
/// publish_tokens: [s3cret]   # anyone with one may publish any stream
/// archive_period: 1h         # a duration (DurationText): 10s, 1h30m, 7d, 500ms, or seconds; 0: no rotation
/// dvr_window: 2h             # media the live playlist keeps while archives rotate
/// retain_for: 7d             # retention of every stream without its own (durations, sizes: ByteSize)
/// retain_max_size: 50GB
/// retain_total_size: 500GB   # all streams together, the oldest media first
/// defaults:                  # HLS options of every live stream (FFmpeg's names)
///   hls_time: 2
///   hls_playlist_type: event # event | vod | live (sliding window)
///   hls_list_size: 5
///   hls_flags: append_list
///   hls_segment_filename: seg%d.m4s
///   hls_fmp4_init_filename: init.mp4
///   start_number: 0
/// streams:
///   cam1:
///     token: other           # this stream needs this token (or tokens: [...])
///     hls_time: 4            # any of the defaults' keys
///     retain_for: 30d        # its own retention (retain_for, retain_max_size)
///   lobby:
///     pull: rtsp://10.0.0.5/stream   # read by the server, retried with backoff
///     re: false              # read at native pace (files)
/// ```
public struct LiveConfigFile: Decodable, Sendable, Equatable {
    public struct HLSOptions: Decodable, Sendable, Equatable {
        public var hlsTime: Double?
        public var hlsPlaylistType: String?
        public var hlsListSize: Int?
        public var hlsFlags: String?
        public var hlsSegmentFilename: String?
        public var hlsFmp4InitFilename: String?
        public var startNumber: Int?
        public var hlsDeleteThreshold: Int?

        enum CodingKeys: String, CodingKey {
            case hlsTime = "hls_time"
            case hlsPlaylistType = "hls_playlist_type"
            case hlsListSize = "hls_list_size"
            case hlsFlags = "hls_flags"
            case hlsSegmentFilename = "hls_segment_filename"
            case hlsFmp4InitFilename = "hls_fmp4_init_filename"
            case startNumber = "start_number"
            case hlsDeleteThreshold = "hls_delete_threshold"
        }

        public init() {}

        /// `base` with these options applied.
        public func applied(to base: PackagerConfiguration, context: String) throws(PackagerError) -> PackagerConfiguration {
            var result = base
            if let hlsTime {
                guard hlsTime > 0 else { throw PackagerError(.invalidConfiguration, "\(context): hls_time must be > 0") }
                result.hlsTime = hlsTime
            }
            if let hlsPlaylistType {
                switch hlsPlaylistType.lowercased() {
                case "event": result.playlistType = .event
                case "vod": result.playlistType = .vod
                case "live", "none", "": result.playlistType = nil
                default:
                    throw PackagerError(
                        .invalidConfiguration, "\(context): hls_playlist_type '\(hlsPlaylistType)' is not event, vod or live")
                }
            }
            if let hlsListSize { result.listSize = hlsListSize }
            if let hlsFlags { result.flags = try HLSFlags(parsing: hlsFlags) }
            if let hlsSegmentFilename { result.segmentFilename = try SegmentFilenameTemplate(hlsSegmentFilename) }
            if let hlsFmp4InitFilename { result.initFilename = hlsFmp4InitFilename }
            if let startNumber { result.startNumber = startNumber }
            if let hlsDeleteThreshold { result.deleteThreshold = hlsDeleteThreshold }
            return result
        }
    }

    public struct Stream: Decodable, Sendable, Equatable {
        public var hls: HLSOptions
        public var token: String?
        public var tokens: [String]?
        public var pull: String?
        public var re: Bool?
        public var retainFor: SettingText?
        public var retainMaxSize: SettingText?

        enum CodingKeys: String, CodingKey {
            case token, tokens, pull, re
            case retainFor = "retain_for"
            case retainMaxSize = "retain_max_size"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            token = try container.decodeIfPresent(String.self, forKey: .token)
            tokens = try container.decodeIfPresent([String].self, forKey: .tokens)
            pull = try container.decodeIfPresent(String.self, forKey: .pull)
            re = try container.decodeIfPresent(Bool.self, forKey: .re)
            retainFor = try container.decodeIfPresent(SettingText.self, forKey: .retainFor)
            retainMaxSize = try container.decodeIfPresent(SettingText.self, forKey: .retainMaxSize)
            hls = try HLSOptions(from: decoder)
        }
    }

    public var rtmpPort: Int?
    public var rtmpThreads: Int?
    /// `RTMPServerLimits` (bytes, connections, bytes); the executable checks their ranges.
    public var rtmpMaxMessageSize: Int?
    public var rtmpMaxPendingConnections: Int?
    public var rtmpPendingBufferBudget: Int?
    /// `G711Transcoding.bitRate`; the executable checks its range.
    public var g711AACBitrate: Int?
    public var idleTimeout: Double?
    public var publishTokens: [String]?
    public var fsync: String?
    public var defaults: HLSOptions?
    public var streams: [String: Stream]?
    public var archivePeriod: SettingText?
    public var dvrWindow: SettingText?
    public var retainFor: SettingText?
    public var retainMaxSize: SettingText?
    public var retainTotalSize: SettingText?

    enum CodingKeys: String, CodingKey {
        case rtmpPort = "rtmp_port"
        case rtmpThreads = "rtmp_threads"
        case idleTimeout = "idle_timeout"
        case publishTokens = "publish_tokens"
        case fsync, defaults, streams
        case rtmpMaxMessageSize = "rtmp_max_message_size"
        case rtmpMaxPendingConnections = "rtmp_max_pending_connections"
        case rtmpPendingBufferBudget = "rtmp_pending_buffer_budget"
        case g711AACBitrate = "g711_aac_bitrate"
        case archivePeriod = "archive_period"
        case dvrWindow = "dvr_window"
        case retainFor = "retain_for"
        case retainMaxSize = "retain_max_size"
        case retainTotalSize = "retain_total_size"
    }

    public init() {}

    /// The live configuration this file describes, over `base` (the built-in defaults).
    public func liveConfiguration(base: LiveConfiguration = LiveConfiguration()) throws(PackagerError) -> LiveConfiguration {
        var result = base
        if let idleTimeout {
            guard idleTimeout >= 0 else { throw PackagerError(.invalidConfiguration, "idle_timeout must be ≥ 0") }
            result.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        }
        if let publishTokens { result.publishTokens.formUnion(publishTokens) }
        if let fsync {
            guard let mode = FileSync(rawValue: fsync) else {
                throw PackagerError(.invalidConfiguration, "fsync: '\(fsync)' is not periodic or per-file")
            }
            result.fileSync = mode
        }
        if let defaults { result.packager = try defaults.applied(to: result.packager, context: "defaults") }
        if let archivePeriod { result.archivePeriod = try DurationText.seconds(parsing: archivePeriod.text, setting: "archive_period") }
        if let dvrWindow { result.dvrWindow = try DurationText.seconds(parsing: dvrWindow.text, setting: "dvr_window") }
        result.retention = try Self.retention(retainFor, retainMaxSize, context: "").filled(from: result.retention)
        if let retainTotalSize {
            result.retainTotalSize = try ByteSize.bytes(parsing: retainTotalSize.text, setting: "retain_total_size")
        }
        for (name, stream) in streams ?? [:] {
            guard StreamName.isValid(name) else {
                throw PackagerError(.invalidConfiguration, "streams: '\(name)' is not a valid stream name (\(StreamName.rule))")
            }
            let packager = try stream.hls.applied(to: result.packager, context: "streams.\(name)")
            var tokens = Set(stream.tokens ?? [])
            if let token = stream.token { tokens.insert(token) }
            result.streams[name] = LiveStreamSettings(
                packager: packager, publishTokens: tokens, pullURL: stream.pull, pullRealtime: stream.re ?? false,
                retention: try Self.retention(stream.retainFor, stream.retainMaxSize, context: "streams.\(name)."))
        }
        return result
    }

    /// The limits `retain_for` and `retain_max_size` say; `context` starts the keys in messages.
    static func retention(_ retainFor: SettingText?, _ retainMaxSize: SettingText?, context: String) throws(PackagerError)
        -> RetentionLimits
    {
        var limits = RetentionLimits()
        if let retainFor { limits.maxAge = try DurationText.seconds(parsing: retainFor.text, setting: context + "retain_for") }
        if let retainMaxSize { limits.maxSize = try ByteSize.bytes(parsing: retainMaxSize.text, setting: context + "retain_max_size") }
        return limits
    }
}
