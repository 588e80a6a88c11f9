/// How `PlaylistWriter` prints what is not in the playlist value itself.
public struct WriteOptions: Sendable, Equatable {
    /// FFmpeg's `hls_flags round_durations`: EXTINF as integers (nearest, half up).
    public var roundDurations: Bool
    /// FFmpeg's `hls_base_url`: prefixed verbatim to every segment and map URI.
    public var baseURL: String

    public init(roundDurations: Bool = false, baseURL: String = "") {
        self.roundDurations = roundDurations
        self.baseURL = baseURL
    }
}

/// The one canonical way of writing a media playlist:
///
/// ```
/// #EXTM3U
/// #EXT-X-VERSION:<computed>
/// #EXT-X-TARGETDURATION:<s>
/// #EXT-X-MEDIA-SEQUENCE:<n>
/// #EXT-X-DISCONTINUITY-SEQUENCE:<n>     only when non-zero
/// #EXT-X-PLAYLIST-TYPE:<EVENT|VOD>      when set
/// #EXT-X-INDEPENDENT-SEGMENTS           when set
/// <playlist unknown tags>
/// per segment:
///   #EXT-X-DISCONTINUITY                when flagged
///   #EXT-X-MAP:URI="…"[,BYTERANGE="…"]  first segment, and wherever the map changes
///   #EXT-X-PROGRAM-DATE-TIME:<iso8601>  when set
///   <segment unknown tags>
///   #EXTINF:<duration>,<title>
///   <URI>
/// #EXT-X-ENDLIST                        when set
/// ```
/// Every line ends with `\n`. Line breaks inside a title or URI are replaced (a title's by a
/// space, a URI's percent-encoded) so the value cannot inject tags.
public enum PlaylistWriter {
    public static func write(_ playlist: MediaPlaylist, options: WriteOptions = .init()) -> String {
        var out = ""
        out.reserveCapacity(160 + playlist.segments.count * 80)
        appendHeader(of: playlist, options: options, to: &out)
        var currentMap: MediaInitializationSection?
        for segment in playlist.segments {
            appendLines(of: segment, after: &currentMap, options: options, to: &out)
        }
        appendEnd(of: playlist, to: &out)
        return out
    }

    /// The tags before the first segment.
    static func appendHeader(of playlist: MediaPlaylist, options: WriteOptions, to out: inout String) {
        appendLine("#EXTM3U", to: &out)
        appendLine("#EXT-X-VERSION:\(playlist.version(roundDurations: options.roundDurations))", to: &out)
        appendLine("#EXT-X-TARGETDURATION:\(playlist.targetDuration)", to: &out)
        appendLine("#EXT-X-MEDIA-SEQUENCE:\(playlist.mediaSequence)", to: &out)
        if playlist.discontinuitySequence != 0 {
            appendLine("#EXT-X-DISCONTINUITY-SEQUENCE:\(playlist.discontinuitySequence)", to: &out)
        }
        if let type = playlist.playlistType { appendLine("#EXT-X-PLAYLIST-TYPE:\(type.rawValue)", to: &out) }
        if playlist.independentSegments { appendLine("#EXT-X-INDEPENDENT-SEGMENTS", to: &out) }
        for tag in playlist.unknownTags { appendLine(singleLine(tag), to: &out) }
    }

    /// One segment's lines. `currentMap` is the map in force before it (nil before the first
    /// segment); `#EXT-X-MAP` is written when the segment's differs, and it becomes the current.
    static func appendLines(
        of segment: MediaSegment, after currentMap: inout MediaInitializationSection?, options: WriteOptions,
        to out: inout String
    ) {
        if segment.discontinuity { appendLine("#EXT-X-DISCONTINUITY", to: &out) }
        if let map = segment.map, map != currentMap {
            var tag = "#EXT-X-MAP:URI=" + AttributeList.quoted(options.baseURL + map.uri)
            if let range = map.byteRange { tag += ",BYTERANGE=\"\(range.text)\"" }
            appendLine(tag, to: &out)
            currentMap = map
        }
        if let date = segment.programDateTime { appendLine("#EXT-X-PROGRAM-DATE-TIME:\(date.iso8601)", to: &out) }
        for tag in segment.unknownTags { appendLine(singleLine(tag), to: &out) }
        let duration =
            options.roundDurations
            ? String(DecimalText.roundedSeconds(segment.duration)) : DecimalText.seconds(segment.duration)
        appendLine("#EXTINF:\(duration),\(singleLine(segment.title))", to: &out)
        appendLine(uriLine(options.baseURL + segment.uri), to: &out)
    }

    /// What follows the last segment.
    static func appendEnd(of playlist: MediaPlaylist, to out: inout String) {
        if playlist.endList { appendLine("#EXT-X-ENDLIST", to: &out) }
    }

    private static func appendLine(_ text: String, to out: inout String) {
        out += text
        out += "\n"
    }

    static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        return String(text.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }

    static func uriLine(_ uri: String) -> String {
        guard uri.utf8.first == 0x23 || uri.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D })
        else { return uri }
        var out = ""
        for (i, c) in uri.unicodeScalars.enumerated() {
            switch c {
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            case "#" where i == 0: out += "%23"  // a URI line may not start with '#'
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
