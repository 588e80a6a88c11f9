import Playlist

/// How one output stream is named and cut; FFmpeg's hlsenc option names in the comments.
/// docs/ffmpeg-compat.md lists every hlsenc option and where hlsseg differs.
public struct PackagerConfiguration: Sendable {
    /// `hls_time`: the target segment duration in seconds.
    public var hlsTime: Double
    /// `hls_playlist_type`: `.event` (the default), `.vod`, or nil for a sliding live playlist.
    public var playlistType: PlaylistType?
    /// The playlist file name (FFmpeg takes it from the output path).
    public var playlistName: String
    /// `hls_segment_filename`.
    public var segmentFilename: SegmentFilenameTemplate
    /// `hls_fmp4_init_filename`. After a codec change the next init files are named with `_1`,
    /// `_2`, … before the extension (`init_1.mp4`).
    public var initFilename: String
    /// `start_number`: the media sequence number (and file number) of the first segment.
    /// Resolve `hls_start_number_source` with `StartNumberSource.startNumber(…)` first.
    /// Ignored when `append_list` continues an existing playlist.
    public var startNumber: Int
    /// `hls_list_size`: segments kept in a sliding live playlist (0 = all). EVENT and VOD
    /// playlists keep every segment whatever this says.
    public var listSize: Int
    /// `hls_flags`.
    public var flags: HLSFlags
    /// `hls_delete_threshold`: removed segments always kept on disk (with `delete_segments`).
    public var deleteThreshold: Int
    /// `hls_base_url`: prefixed to every segment and map URI in the playlist.
    public var baseURL: String
    /// `hls_init_time`: target duration of the first `listSize` segments (0 = off).
    public var initTime: Double
    /// `master_pl_name`: also write a multivariant playlist of this name, whose one variant is
    /// `playlistName` with BANDWIDTH, AVERAGE-BANDWIDTH, CODECS and RESOLUTION (`VariantSummary`);
    /// nil: none.
    public var multivariantPlaylistName: String?
    /// Rotate the archive into period playlists beside a sliding live playlist (live streams;
    /// see `archiving(_:)`); nil: the playlist is the whole recording.
    public var archive: ArchiveSettings?

    public init(
        hlsTime: Double = 2, playlistType: PlaylistType? = .event, playlistName: String = "index.m3u8",
        segmentFilename: SegmentFilenameTemplate, initFilename: String = "init.mp4", startNumber: Int = 0,
        listSize: Int = 5, flags: HLSFlags = [], deleteThreshold: Int = 1, baseURL: String = "", initTime: Double = 0,
        multivariantPlaylistName: String? = nil
    ) {
        self.hlsTime = hlsTime
        self.playlistType = playlistType
        self.playlistName = playlistName
        self.segmentFilename = segmentFilename
        self.initFilename = initFilename
        self.startNumber = startNumber
        self.listSize = listSize
        self.flags = flags
        self.deleteThreshold = deleteThreshold
        self.baseURL = baseURL
        self.initTime = initTime
        self.multivariantPlaylistName = multivariantPlaylistName
    }

    /// This configuration for a stream kept as an archive (`ArchiveSettings`): the playlist
    /// becomes a sliding live playlist over the DVR window, every segment gets its program
    /// date-time, and no segment file is deleted when it leaves the live playlist (the
    /// archive still lists it; retention removes media).
    public func archiving(_ settings: ArchiveSettings) -> PackagerConfiguration {
        var configuration = self
        configuration.archive = settings
        configuration.playlistType = nil
        configuration.listSize = settings.liveListSize(hlsTime: hlsTime)
        configuration.flags.remove(.deleteSegments)
        configuration.flags.insert(.programDateTime)
        return configuration
    }

    /// The name of the `generation`th init file: `init.mp4`, then `init_1.mp4`, `init_2.mp4`…
    public func initFilename(generation: Int) -> String {
        guard generation > 0 else { return initFilename }
        if let dot = initFilename.lastIndex(of: "."), dot != initFilename.startIndex {
            return initFilename[..<dot] + "_\(generation)" + initFilename[dot...]
        }
        return initFilename + "_\(generation)"
    }
}

/// FFmpeg's `hls_flags`, written joined with `+` (`delete_segments+append_list`).
public struct HLSFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Delete segment files that left a sliding live playlist (after the RFC 8216 grace time).
    public static let deleteSegments = HLSFlags(rawValue: 1 << 0)
    /// Continue the playlist already in the output directory.
    public static let appendList = HLSFlags(rawValue: 1 << 1)
    /// `#EXT-X-PROGRAM-DATE-TIME` on every segment.
    public static let programDateTime = HLSFlags(rawValue: 1 << 2)
    /// `#EXT-X-INDEPENDENT-SEGMENTS` (every segment starts with a keyframe).
    public static let independentSegments = HLSFlags(rawValue: 1 << 3)
    /// `#EXT-X-DISCONTINUITY` before the first segment.
    public static let discontStart = HLSFlags(rawValue: 1 << 4)
    /// No `#EXT-X-ENDLIST` at the end.
    public static let omitEndlist = HLSFlags(rawValue: 1 << 5)
    /// Integer EXTINF values.
    public static let roundDurations = HLSFlags(rawValue: 1 << 6)
    /// Cut at the grid time even between keyframes.
    public static let splitByTime = HLSFlags(rawValue: 1 << 7)
    /// Accepted for compatibility: every file is written to a temporary name and renamed anyway.
    public static let tempFile = HLSFlags(rawValue: 1 << 8)

    /// FFmpeg's names, in FFmpeg's order.
    public static let names: [(name: String, flag: HLSFlags)] = [
        ("temp_file", .tempFile), ("delete_segments", .deleteSegments), ("round_durations", .roundDurations),
        ("discont_start", .discontStart), ("omit_endlist", .omitEndlist), ("split_by_time", .splitByTime),
        ("append_list", .appendList), ("program_date_time", .programDateTime),
        ("independent_segments", .independentSegments),
    ]

    /// hlsenc flags hlsseg does not implement, with the reason given to the user.
    public static let unsupported: [String: String] = [
        "single_file": "byte-range segments in one file are not supported; segments are separate files",
        "second_level_segment_index": "strftime segment names are not supported",
        "second_level_segment_duration": "strftime segment names are not supported",
        "second_level_segment_size": "strftime segment names are not supported",
        "periodic_rekey": "encryption is not supported",
        "iframes_only": "I-frame-only playlists are not supported",
    ]

    /// Parses FFmpeg's syntax: names joined with `+` (a leading `+` is allowed, as FFmpeg does);
    /// `-name` removes a flag. Throws `PackagerError.invalidConfiguration` naming the bad flag.
    public init(parsing text: String) throws(PackagerError) {
        self = []
        var rest = Substring(text)
        while !rest.isEmpty {
            var remove = false
            if rest.first == "+" {
                rest = rest.dropFirst()
            } else if rest.first == "-" {
                remove = true
                rest = rest.dropFirst()
            }
            let end = rest.firstIndex { $0 == "+" || $0 == "-" } ?? rest.endIndex
            let name = String(rest[..<end])
            rest = rest[end...]
            if name.isEmpty { continue }
            if let flag = Self.names.first(where: { $0.name == name })?.flag {
                if remove { subtract(flag) } else { formUnion(flag) }
            } else if let reason = Self.unsupported[name] {
                throw PackagerError(.invalidConfiguration, "hls_flags '\(name)' is not supported: \(reason)")
            } else {
                let known = Self.names.map(\.name).joined(separator: ", ")
                throw PackagerError(.invalidConfiguration, "unknown hls_flags '\(name)'; known flags: \(known)")
            }
        }
    }

    /// FFmpeg's spelling: names joined with `+`.
    public var text: String {
        Self.names.filter { contains($0.flag) }.map(\.name).joined(separator: "+")
    }
}

/// FFmpeg's `hls_start_number_source`: where the first media sequence number comes from.
public enum StartNumberSource: String, Sendable, CaseIterable {
    /// `start_number` as given.
    case generic
    /// Seconds since the Unix epoch at start.
    case epoch
    /// Microseconds since the Unix epoch at start.
    case epochMicroseconds = "epoch_us"
    /// The local date and time at start as the number `YYYYMMDDhhmmss`.
    case datetime

    /// The first sequence number; pure: the caller passes the clock in. `utcOffsetMinutes` is
    /// the local time zone's offset (for `datetime`, which FFmpeg takes from local time).
    public func startNumber(startNumber: Int, microsecondsSinceEpoch: Int64, utcOffsetMinutes: Int = 0) -> Int {
        switch self {
        case .generic: return startNumber
        case .epoch: return Int(microsecondsSinceEpoch / 1_000_000)
        case .epochMicroseconds: return Int(microsecondsSinceEpoch)
        case .datetime:
            let local = ProgramDateTime(
                millisecondsSinceEpoch: microsecondsSinceEpoch / 1000, utcOffsetMinutes: utcOffsetMinutes
            ).iso8601
            // YYYY-MM-DDThh:mm:ss.sss… → YYYYMMDDhhmmss
            let digits = local.prefix(19).filter { $0.isNumber }
            return Int(digits) ?? startNumber
        }
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
