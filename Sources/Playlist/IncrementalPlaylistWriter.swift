/// Writes the text `PlaylistWriter.write` writes, for a playlist that is written again after
/// every new segment, rendering only the segments added since the previous call.
///
/// Why: a packager rewrites its playlist after every segment, and an EVENT playlist only grows.
/// Rendering every entry each time makes each segment cost more than the one before: an hour
/// of 2-s segments is 1,800 entries re-rendered every 2 s, per stream (docs/benchmarks.md).
/// A listed segment never changes (RFC 8216 §6.2.1 forbids it), so its lines are kept; the
/// header and the end are written anew each time (target duration, ENDLIST). When the listed
/// segments are not the ones rendered plus new ones at the end — a live window slid, the last
/// segment was replaced, fewer segments, another playlist — everything is rendered again.
/// Only the media sequence, the count and the last rendered segment are compared: keeping
/// every rendered segment to compare with would share the caller's segment list, and its next
/// append would copy the whole list. A caller that changes a listed segment other than the
/// last one gets the old lines for it.
public struct IncrementalPlaylistWriter: Sendable {
    public let options: WriteOptions
    /// The lines of the first `renderedCount` segments of a playlist at `mediaSequence`.
    private var body = ""
    private var renderedCount = 0
    private var mediaSequence = 0
    /// The last rendered segment: a cheap check that the playlist still starts with the
    /// segments rendered (segments are compared whole, so a changed one is noticed).
    private var lastRendered: MediaSegment?
    /// The map in force after the rendered segments.
    private var currentMap: MediaInitializationSection?

    public init(options: WriteOptions = .init()) {
        self.options = options
    }

    public mutating func write(_ playlist: MediaPlaylist) -> String {
        let segments = playlist.segments
        let continues =
            renderedCount > 0 && playlist.mediaSequence == mediaSequence && segments.count >= renderedCount
            && segments[renderedCount - 1] == lastRendered
        if !continues {
            body = ""
            renderedCount = 0
            currentMap = nil
            mediaSequence = playlist.mediaSequence
        }
        for segment in segments[renderedCount...] {
            PlaylistWriter.appendLines(of: segment, after: &currentMap, options: options, to: &body)
        }
        renderedCount = segments.count
        lastRendered = segments.last

        var out = ""
        out.reserveCapacity(200 + body.utf8.count)
        PlaylistWriter.appendHeader(of: playlist, options: options, to: &out)
        out += body
        PlaylistWriter.appendEnd(of: playlist, to: &out)
        return out
    }
}
