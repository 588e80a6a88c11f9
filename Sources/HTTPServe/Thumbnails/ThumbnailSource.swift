import Export

/// The segment a thumbnail request names and the init segment in force for it.
struct ThumbnailSource: Sendable, Equatable {
    /// The media segment's path on disk; its first keyframe is the thumbnail.
    var segmentPath: String
    /// The path of its init segment (`#EXT-X-MAP`).
    var initPath: String
    /// Names the segment in the thumbnail cache (with the file's version and the width).
    var cacheKey: String
    /// The same request names this segment for good (a date inside the recording, not on its
    /// live edge), so its answer may be cached by clients for long; otherwise it is revalidated.
    var isSettled: Bool
}

/// Resolves a thumbnail request: the stream's name and the time asked for (nil: the newest
/// segment) → the segment whose first keyframe is at or before that time. nil when the stream
/// has no recording; throws an `HTTPError` (400) for a time outside the recording or one the
/// recording cannot place (a date without `#EXT-X-PROGRAM-DATE-TIME`).
///
/// A closure so that the route does not depend on where recordings are indexed: the server's
/// is `ArchiveThumbnailSources`; a test can stand in.
typealias ThumbnailSourceLookup = @Sendable (_ stream: String, _ at: ExportTime?) throws -> ThumbnailSource?
