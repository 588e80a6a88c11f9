/// A media playlist (RFC 8216 §4.3.3): the header tags and the segments in order.
///
/// The writer (`PlaylistWriter`) has one canonical layout; the parser (`PlaylistParser`) reads
/// what other tools write. `version` is not stored: it is computed from the content.
public struct MediaPlaylist: Sendable, Equatable {
    /// `#EXT-X-TARGETDURATION`: seconds, at least every rounded EXTINF (see `requiredTargetDuration`).
    public var targetDuration: Int
    /// `#EXT-X-MEDIA-SEQUENCE`: the sequence number of the first listed segment.
    public var mediaSequence: Int
    /// `#EXT-X-DISCONTINUITY-SEQUENCE`: discontinuities before the first listed segment.
    public var discontinuitySequence: Int
    /// `#EXT-X-PLAYLIST-TYPE`; nil is a sliding live playlist.
    public var playlistType: PlaylistType?
    /// `#EXT-X-INDEPENDENT-SEGMENTS`.
    public var independentSegments: Bool
    /// `#EXT-X-ENDLIST`.
    public var endList: Bool
    public var segments: [MediaSegment]
    /// Tags this module does not model that appeared in the header (before the first segment's
    /// tags) or after the last URI, kept verbatim; written after the header tags.
    public var unknownTags: [String]

    public init(
        targetDuration: Int, mediaSequence: Int = 0, discontinuitySequence: Int = 0,
        playlistType: PlaylistType? = nil, independentSegments: Bool = false, endList: Bool = false,
        segments: [MediaSegment] = [], unknownTags: [String] = []
    ) {
        self.targetDuration = targetDuration
        self.mediaSequence = mediaSequence
        self.discontinuitySequence = discontinuitySequence
        self.playlistType = playlistType
        self.independentSegments = independentSegments
        self.endList = endList
        self.segments = segments
        self.unknownTags = unknownTags
    }

    /// The lowest `#EXT-X-VERSION` this playlist needs as `PlaylistWriter` writes it by default
    /// (decimal EXTINF). See `version(roundDurations:)`.
    public var version: Int { version(roundDurations: false) }

    /// The lowest `#EXT-X-VERSION` the content needs (RFC 8216 §7):
    /// - 3 for decimal-floating-point EXTINF (written unless `roundDurations`);
    /// - 6 for `#EXT-X-MAP` in a playlist without `#EXT-X-I-FRAMES-ONLY` (never written here);
    /// - otherwise 1. Tags kept in `unknownTags` are not considered.
    public func version(roundDurations: Bool) -> Int {
        if segments.contains(where: { $0.map != nil }) { return 6 }
        if !roundDurations, !segments.isEmpty { return 3 }
        return 1
    }

    /// The smallest `#EXT-X-TARGETDURATION` allowed for these segments: every EXTINF, as
    /// written (to the microsecond) and rounded to the nearest integer, must not exceed it.
    public var requiredTargetDuration: Int {
        segments.reduce(0) { max($0, DecimalText.roundedSeconds($1.duration)) }
    }

    /// The sum of the segment durations, in seconds.
    public var duration: Double {
        segments.reduce(0) { $0 + $1.duration }
    }
}

/// `#EXT-X-PLAYLIST-TYPE:<EVENT|VOD>` (RFC 8216 §4.3.3.5).
public enum PlaylistType: String, Sendable, Equatable, CaseIterable {
    /// Segments are only ever appended.
    case event = "EVENT"
    /// The playlist never changes.
    case vod = "VOD"
}
