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
        func line(_ text: String) {
            out += text
            out += "\n"
        }
        line("#EXTM3U")
        line("#EXT-X-VERSION:\(playlist.version(roundDurations: options.roundDurations))")
        line("#EXT-X-TARGETDURATION:\(playlist.targetDuration)")
        line("#EXT-X-MEDIA-SEQUENCE:\(playlist.mediaSequence)")
        if playlist.discontinuitySequence != 0 {
            line("#EXT-X-DISCONTINUITY-SEQUENCE:\(playlist.discontinuitySequence)")
        }
        if let type = playlist.playlistType { line("#EXT-X-PLAYLIST-TYPE:\(type.rawValue)") }
        if playlist.independentSegments { line("#EXT-X-INDEPENDENT-SEGMENTS") }
        for tag in playlist.unknownTags { line(singleLine(tag)) }

        var currentMap: MediaInitializationSection?
        for segment in playlist.segments {
            if segment.discontinuity { line("#EXT-X-DISCONTINUITY") }
            if let map = segment.map, map != currentMap {
                var tag = "#EXT-X-MAP:URI=" + AttributeList.quoted(options.baseURL + map.uri)
                if let range = map.byteRange { tag += ",BYTERANGE=\"\(range.text)\"" }
                line(tag)
                currentMap = map
            }
            if let date = segment.programDateTime { line("#EXT-X-PROGRAM-DATE-TIME:\(date.iso8601)") }
            for tag in segment.unknownTags { line(singleLine(tag)) }
            let duration =
                options.roundDurations
                ? String(DecimalText.roundedSeconds(segment.duration)) : DecimalText.seconds(segment.duration)
            line("#EXTINF:\(duration),\(singleLine(segment.title))")
            line(uriLine(options.baseURL + segment.uri))
        }
        if playlist.endList { line("#EXT-X-ENDLIST") }
        return out
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
