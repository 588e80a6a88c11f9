/// Reads media playlists written by other tools (FFmpeg's hlsenc, Apple's tools, ours).
///
/// Lenient where it costs nothing: a byte-order mark, CRLF or LF line ends, blank lines,
/// spaces around lines, comments (`#` not followed by `EXT`), EXTINF with or without a title and
/// with integer or decimal durations, date-times with `Z`, `±hh:mm`, `±hhmm`, with or without
/// fraction digits, repeated header tags (the last wins), a missing `#EXT-X-TARGETDURATION`
/// (then `requiredTargetDuration` is used), and `#EXT-X-DISCONTINUITY` / date-time tags at the
/// very end with no segment to apply to (dropped). `#EXT-X-VERSION` is checked and dropped:
/// `MediaPlaylist.version` is computed.
///
/// Tags not modelled are kept verbatim: before the first segment's first tag, or after the last
/// URI, in `MediaPlaylist.unknownTags`; between segments, in the next segment's `unknownTags`.
///
/// Strict where a player would go wrong: no `#EXTM3U` first, a malformed number or date, a URI
/// with no `#EXTINF`, an `#EXTINF` with no URI, multivariant tags.
public enum PlaylistParser {
    /// Longest line read (UTF-8 bytes): URIs with signed query strings fit well inside this.
    public static let maxLineLength = 65_536
    /// Most segments in one playlist: about 11 days of 2-second segments in an EVENT archive.
    public static let maxSegments = 500_000
    /// Most unmodelled tags kept, in total: a bound on memory for garbage input.
    public static let maxUnknownTags = 100_000

    public static func parseMedia(_ text: String) throws(PlaylistError) -> MediaPlaylist {
        var lines = try Lines(text)
        var playlist = MediaPlaylist(targetDuration: -1)
        var sawTargetDuration = false
        var unknownCount = 0

        // State for the segment being assembled.
        var pendingDuration: (value: Double, title: String, line: Int)?
        var pendingDiscontinuity = false
        var pendingDate: ProgramDateTime?
        var pendingUnknown: [String] = []
        var currentMap: MediaInitializationSection?
        var inSegment = false  // a segment tag was seen since the last URI

        while let (number, content) = try lines.next() {
            if !content.hasPrefix("#") {
                guard let duration = pendingDuration else {
                    throw PlaylistError(
                        .missingDuration, "the URI \"\(content)\" has no #EXTINF line before it", line: number)
                }
                guard playlist.segments.count < maxSegments else {
                    throw PlaylistError(
                        .limitExceeded, "more than \(maxSegments) segments in one playlist", line: number)
                }
                playlist.segments.append(
                    MediaSegment(
                        uri: String(content), duration: duration.value, title: duration.title,
                        discontinuity: pendingDiscontinuity, map: currentMap, programDateTime: pendingDate,
                        unknownTags: pendingUnknown))
                pendingDuration = nil
                pendingDiscontinuity = false
                pendingDate = nil
                pendingUnknown = []
                inSegment = false
                continue
            }
            guard content.hasPrefix("#EXT") else { continue }  // a comment
            let (name, value) = Tag.split(content)
            switch name {
            case "#EXTM3U":
                continue
            case "#EXT-X-VERSION":
                _ = try Tag.integer(value, tag: name, line: number)
            case "#EXT-X-TARGETDURATION":
                playlist.targetDuration = try Tag.integer(value, tag: name, line: number)
                sawTargetDuration = true
            case "#EXT-X-MEDIA-SEQUENCE":
                playlist.mediaSequence = try Tag.integer(value, tag: name, line: number)
            case "#EXT-X-DISCONTINUITY-SEQUENCE":
                playlist.discontinuitySequence = try Tag.integer(value, tag: name, line: number)
            case "#EXT-X-PLAYLIST-TYPE":
                guard let type = PlaylistType(rawValue: String(value?.trimmingWhitespace() ?? "")) else {
                    throw PlaylistError(
                        .invalidTag, "#EXT-X-PLAYLIST-TYPE must be EVENT or VOD, not \"\(value ?? "")\"",
                        line: number)
                }
                playlist.playlistType = type
            case "#EXT-X-INDEPENDENT-SEGMENTS":
                playlist.independentSegments = true
            case "#EXT-X-ENDLIST":
                playlist.endList = true
            case "#EXT-X-DISCONTINUITY":
                pendingDiscontinuity = true
                inSegment = true
            case "#EXT-X-MAP":
                currentMap = try Tag.map(value, line: number)
                inSegment = true
            case "#EXT-X-PROGRAM-DATE-TIME":
                guard let value, let date = ProgramDateTime(iso8601: value.trimmingWhitespace()) else {
                    throw PlaylistError(
                        .invalidDate,
                        "#EXT-X-PROGRAM-DATE-TIME needs an ISO 8601 date-time such as 2026-11-21T19:35:55.123Z, "
                            + "not \"\(value ?? "")\"", line: number)
                }
                pendingDate = date
                inSegment = true
            case "#EXTINF":
                pendingDuration = try Tag.extinf(value, line: number)
                inSegment = true
            case "#EXT-X-STREAM-INF", "#EXT-X-I-FRAME-STREAM-INF", "#EXT-X-MEDIA", "#EXT-X-SESSION-DATA",
                "#EXT-X-SESSION-KEY":
                throw PlaylistError(
                    .wrongPlaylistKind,
                    "\(name) belongs in a multivariant playlist; this was read as a media playlist",
                    line: number)
            default:
                unknownCount += 1
                guard unknownCount <= maxUnknownTags else {
                    throw PlaylistError(
                        .limitExceeded, "more than \(maxUnknownTags) unrecognised tags", line: number)
                }
                if inSegment || !playlist.segments.isEmpty {
                    pendingUnknown.append(String(content))
                    inSegment = true
                } else {
                    playlist.unknownTags.append(String(content))
                }
            }
        }
        if let pending = pendingDuration {
            throw PlaylistError(
                .missingURI, "the #EXTINF on line \(pending.line) is not followed by a segment URI",
                line: pending.line)
        }
        playlist.unknownTags += pendingUnknown
        if !sawTargetDuration { playlist.targetDuration = playlist.requiredTargetDuration }
        return playlist
    }
}

/// Splitting lines and reading the values of the tags we model.
enum Tag {
    /// `#NAME:value` → (`#NAME`, `value`); `#NAME` → (`#NAME`, nil).
    static func split(_ line: Substring) -> (name: Substring, value: Substring?) {
        guard let colon = line.firstIndex(of: ":") else { return (line, nil) }
        return (line[..<colon], line[line.index(after: colon)...])
    }

    static func integer(_ value: Substring?, tag: Substring, line: Int) throws(PlaylistError) -> Int {
        let text = value?.trimmingWhitespace() ?? ""
        guard let number = DecimalText.integer(text) else {
            throw PlaylistError(
                .invalidNumber,
                "\(tag) needs a whole number of at most \(DecimalText.maxIntegerDigits) digits, "
                    + "not \"\(text)\"", line: line)
        }
        return number
    }

    /// `#EXTINF:<duration>,[<title>]`; the comma is optional when there is no title.
    static func extinf(_ value: Substring?, line: Int) throws(PlaylistError) -> (
        value: Double, title: String, line: Int
    ) {
        let value = value ?? ""
        let comma = value.firstIndex(of: ",")
        let durationText = value[..<(comma ?? value.endIndex)].trimmingWhitespace()
        guard let duration = DecimalText.floatingPoint(durationText), duration.isFinite else {
            throw PlaylistError(
                .invalidNumber, "#EXTINF needs a duration in seconds such as 2.000, not \"\(durationText)\"",
                line: line)
        }
        let title = comma.map { String(value[value.index(after: $0)...]) } ?? ""
        return (duration, title, line)
    }

    static func map(_ value: Substring?, line: Int) throws(PlaylistError) -> MediaInitializationSection {
        guard let value, let attributes = AttributeList(parsing: value) else {
            throw PlaylistError(
                .invalidAttribute, "#EXT-X-MAP needs an attribute list such as URI=\"init.mp4\"", line: line)
        }
        guard let uri = attributes["URI"], uri.quoted, !uri.text.isEmpty else {
            throw PlaylistError(.invalidAttribute, "#EXT-X-MAP needs a quoted URI attribute", line: line)
        }
        var map = MediaInitializationSection(uri: String(uri.text))
        if let range = attributes["BYTERANGE"] {
            guard let byteRange = ByteRange(text: range.text) else {
                throw PlaylistError(
                    .invalidAttribute, "#EXT-X-MAP BYTERANGE must be \"<length>[@<offset>]\", not \"\(range.text)\"",
                    line: line)
            }
            map.byteRange = byteRange
        }
        return map
    }
}

/// The non-blank lines of a playlist with their 1-based numbers, trimmed; checks `#EXTM3U` first.
struct Lines {
    private let lines: [Substring.UTF8View]
    private var index = 0

    init(_ text: String) throws(PlaylistError) {
        lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        // The first non-blank line must be the header.
        var probe = self
        guard let (number, first) = try probe.next() else {
            throw PlaylistError(.missingHeader, "the playlist is empty; it must start with #EXTM3U", line: 1)
        }
        guard first == "#EXTM3U" else {
            throw PlaylistError(
                .missingHeader, "an HLS playlist must start with #EXTM3U; is this an m3u8 file?", line: number)
        }
    }

    mutating func next() throws(PlaylistError) -> (number: Int, content: Substring)? {
        while index < lines.count {
            let raw = lines[index]
            index += 1
            guard raw.count <= PlaylistParser.maxLineLength else {
                throw PlaylistError(
                    .limitExceeded, "line longer than \(PlaylistParser.maxLineLength) bytes", line: index)
            }
            var content = Substring(raw)
            if index == 1, content.hasPrefix("\u{FEFF}") { content = content.dropFirst() }
            let trimmed = content.trimmingWhitespace()
            if !trimmed.isEmpty { return (index, trimmed) }
        }
        return nil
    }
}

extension Substring {
    /// Trims spaces, tabs and carriage returns (a CRLF line arrives with its `\r`): the one
    /// trim helper of the Playlist module, for lines and for attribute names and values.
    func trimmingWhitespace() -> Substring {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return self[start..<end]
    }
}
