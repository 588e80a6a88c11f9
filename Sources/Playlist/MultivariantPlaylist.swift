/// A multivariant ("master") playlist (RFC 8216 §4.3.4), kept small: the variant streams.
///
/// ```
/// #EXTM3U
/// #EXT-X-VERSION:<computed>
/// #EXT-X-INDEPENDENT-SEGMENTS          when set
/// <unknown tags>
/// per variant:
///   #EXT-X-STREAM-INF:BANDWIDTH=<n>[,AVERAGE-BANDWIDTH=<n>][,CODECS="…"][,RESOLUTION=<w>x<h>][,FRAME-RATE=<f>]
///   <URI>
/// ```
public struct MultivariantPlaylist: Sendable, Equatable {
    public var independentSegments: Bool
    public var variants: [VariantStream]
    /// Tags not modelled (`#EXT-X-MEDIA`, `#EXT-X-SESSION-DATA`, …), kept verbatim and written
    /// after the header. `#EXT-X-STREAM-INF` attributes not modelled (`CLOSED-CAPTIONS`, `AUDIO`,
    /// …) are dropped.
    public var unknownTags: [String]

    public init(independentSegments: Bool = false, variants: [VariantStream] = [], unknownTags: [String] = []) {
        self.independentSegments = independentSegments
        self.variants = variants
        self.unknownTags = unknownTags
    }

    /// Nothing modelled here needs more than version 1 (RFC 8216 §7).
    public var version: Int { 1 }
}

/// `#EXT-X-STREAM-INF` and the URI after it.
public struct VariantStream: Sendable, Equatable {
    public var uri: String
    /// Peak bits per second (required).
    public var bandwidth: Int
    public var averageBandwidth: Int?
    /// RFC 6381 codec list, e.g. `avc1.64001f,mp4a.40.2`.
    public var codecs: String?
    public var resolution: Resolution?
    /// Frames per second, written with three decimals.
    public var frameRate: Double?

    public init(
        uri: String, bandwidth: Int, averageBandwidth: Int? = nil, codecs: String? = nil,
        resolution: Resolution? = nil, frameRate: Double? = nil
    ) {
        self.uri = uri
        self.bandwidth = bandwidth
        self.averageBandwidth = averageBandwidth
        self.codecs = codecs
        self.resolution = resolution
        self.frameRate = frameRate
    }
}

/// `<width>x<height>` (RFC 8216 §4.2 decimal-resolution).
public struct Resolution: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

extension PlaylistWriter {
    public static func write(_ playlist: MultivariantPlaylist) -> String {
        var out = "#EXTM3U\n#EXT-X-VERSION:\(playlist.version)\n"
        if playlist.independentSegments { out += "#EXT-X-INDEPENDENT-SEGMENTS\n" }
        for tag in playlist.unknownTags { out += singleLine(tag) + "\n" }
        for variant in playlist.variants {
            var tag = "#EXT-X-STREAM-INF:BANDWIDTH=\(variant.bandwidth)"
            if let average = variant.averageBandwidth { tag += ",AVERAGE-BANDWIDTH=\(average)" }
            if let codecs = variant.codecs { tag += ",CODECS=" + AttributeList.quoted(codecs) }
            if let r = variant.resolution { tag += ",RESOLUTION=\(r.width)x\(r.height)" }
            if let rate = variant.frameRate { tag += ",FRAME-RATE=" + DecimalText.threeDecimals(rate) }
            out += tag + "\n" + uriLine(variant.uri) + "\n"
        }
        return out
    }
}

extension PlaylistParser {
    /// Reads `#EXT-X-STREAM-INF` variants; other tags are kept in `unknownTags`, comments ignored.
    public static func parseMultivariant(_ text: String) throws(PlaylistError) -> MultivariantPlaylist {
        var lines = try Lines(text)
        var playlist = MultivariantPlaylist()
        var pending: (variant: VariantStream, line: Int)?
        while let (number, content) = try lines.next() {
            if !content.hasPrefix("#") {
                guard var variant = pending?.variant else {
                    throw PlaylistError(
                        .wrongPlaylistKind,
                        "the URI \"\(content)\" has no #EXT-X-STREAM-INF before it; is this a media playlist?",
                        line: number)
                }
                variant.uri = String(content)
                playlist.variants.append(variant)
                pending = nil
                guard playlist.variants.count <= maxSegments else {
                    throw PlaylistError(.limitExceeded, "more than \(maxSegments) variants", line: number)
                }
                continue
            }
            guard content.hasPrefix("#EXT") else { continue }
            let (name, value) = Tag.split(content)
            switch name {
            case "#EXTM3U":
                continue
            case "#EXT-X-VERSION":
                _ = try Tag.integer(value, tag: name, line: number)
            case "#EXT-X-INDEPENDENT-SEGMENTS":
                playlist.independentSegments = true
            case "#EXT-X-STREAM-INF":
                pending = (try streamInf(value, line: number), number)
            case "#EXTINF", "#EXT-X-TARGETDURATION", "#EXT-X-MEDIA-SEQUENCE", "#EXT-X-MAP":
                throw PlaylistError(
                    .wrongPlaylistKind,
                    "\(name) belongs in a media playlist; this was read as a multivariant playlist", line: number)
            default:
                guard playlist.unknownTags.count < maxUnknownTags else {
                    throw PlaylistError(.limitExceeded, "more than \(maxUnknownTags) unrecognised tags", line: number)
                }
                playlist.unknownTags.append(String(content))
            }
        }
        if let pending {
            throw PlaylistError(
                .missingURI, "the #EXT-X-STREAM-INF on line \(pending.line) is not followed by a URI",
                line: pending.line)
        }
        return playlist
    }

    static func streamInf(_ value: Substring?, line: Int) throws(PlaylistError) -> VariantStream {
        guard let value, let attributes = AttributeList(parsing: value) else {
            throw PlaylistError(
                .invalidAttribute, "#EXT-X-STREAM-INF needs an attribute list such as BANDWIDTH=1280000", line: line)
        }
        func integer(_ name: String) throws(PlaylistError) -> Int? {
            guard let attribute = attributes[name] else { return nil }
            guard let number = DecimalText.integer(attribute.text) else {
                throw PlaylistError(
                    .invalidNumber, "\(name) must be a whole number, not \"\(attribute.text)\"", line: line)
            }
            return number
        }
        guard let bandwidth = try integer("BANDWIDTH") else {
            throw PlaylistError(.invalidAttribute, "#EXT-X-STREAM-INF needs a BANDWIDTH attribute", line: line)
        }
        var variant = VariantStream(uri: "", bandwidth: bandwidth, averageBandwidth: try integer("AVERAGE-BANDWIDTH"))
        variant.codecs = attributes["CODECS"].map { String($0.text) }
        if let text = attributes["RESOLUTION"]?.text {
            let parts = text.split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2, let width = DecimalText.integer(parts[0]),
                let height = DecimalText.integer(parts[1])
            else {
                throw PlaylistError(
                    .invalidAttribute, "RESOLUTION must be <width>x<height> such as 1280x720, not \"\(text)\"",
                    line: line)
            }
            variant.resolution = Resolution(width: width, height: height)
        }
        if let text = attributes["FRAME-RATE"]?.text {
            guard let rate = DecimalText.floatingPoint(text) else {
                throw PlaylistError(.invalidNumber, "FRAME-RATE must be a decimal number, not \"\(text)\"", line: line)
            }
            variant.frameRate = rate
        }
        return variant
    }
}
