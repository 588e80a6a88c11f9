/// One media segment: the tags that apply to it and its URI (RFC 8216 §4.3.2).
///
/// ```
/// #EXT-X-DISCONTINUITY                 (discontinuity)
/// #EXT-X-MAP:URI="init.mp4"            (map: the one in force for this segment)
/// #EXT-X-PROGRAM-DATE-TIME:<date>      (programDateTime)
/// <unknown tags>                       (unknownTags, as read)
/// #EXTINF:<duration>,[<title>]         (duration, title)
/// <URI>                                (uri)
/// ```
public struct MediaSegment: Sendable, Equatable {
    public var uri: String
    /// Seconds, as the media says (the writer prints it to the microsecond).
    public var duration: Double
    public var title: String
    /// An `#EXT-X-DISCONTINUITY` precedes this segment.
    public var discontinuity: Bool
    /// The `#EXT-X-MAP` in force for this segment; the writer repeats the tag only where it changes.
    /// HLS cannot express "no map" after a map, so a nil after a non-nil writes nothing and reads
    /// back as the earlier map.
    public var map: MediaInitializationSection?
    public var programDateTime: ProgramDateTime?
    /// Tags this module does not model (`#EXT-X-KEY`, `#EXT-X-BYTERANGE`, `#EXT-X-GAP`, …) that
    /// appeared between the previous segment's URI and this one's, kept verbatim and written
    /// back just before `#EXTINF`. They do not count towards `MediaPlaylist.version`.
    public var unknownTags: [String]

    public init(
        uri: String, duration: Double, title: String = "", discontinuity: Bool = false,
        map: MediaInitializationSection? = nil, programDateTime: ProgramDateTime? = nil,
        unknownTags: [String] = []
    ) {
        self.uri = uri
        self.duration = duration
        self.title = title
        self.discontinuity = discontinuity
        self.map = map
        self.programDateTime = programDateTime
        self.unknownTags = unknownTags
    }
}

/// `#EXT-X-MAP:URI="<uri>"[,BYTERANGE="<n>[@<o>]"]` (RFC 8216 §4.3.2.5): the initialization
/// section (for fMP4, `init.mp4`) needed to parse the segments it applies to.
public struct MediaInitializationSection: Sendable, Hashable {
    public var uri: String
    public var byteRange: ByteRange?

    public init(uri: String, byteRange: ByteRange? = nil) {
        self.uri = uri
        self.byteRange = byteRange
    }
}

/// `<n>[@<o>]` (RFC 8216 §4.3.2.2): `length` bytes starting at `offset`.
public struct ByteRange: Sendable, Hashable {
    public var length: Int
    public var offset: Int?

    public init(length: Int, offset: Int? = nil) {
        self.length = length
        self.offset = offset
    }

    var text: String { offset.map { "\(length)@\($0)" } ?? "\(length)" }

    init?(text: some StringProtocol) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let length = DecimalText.integer(parts[0]) else { return nil }
        self.length = length
        if parts.count == 2 {
            guard let offset = DecimalText.integer(parts[1]) else { return nil }
            self.offset = offset
        }
    }
}
