/// Writes the text `PlaylistWriter.write` writes, for a playlist that is written again after
/// every new segment, rendering only the segments added since the previous call.
///
/// Why: a packager rewrites its playlist after every segment, and an EVENT playlist only grows.
/// Rendering every entry each time makes each segment cost more than the one before: an hour
/// of 2-s segments is 1,800 entries re-rendered every 2 s, per stream (docs/benchmarks.md).
/// A listed segment never changes (RFC 8216 §6.2.1 forbids it), so its lines are kept; the
/// header and the end are written anew each time (target duration, ENDLIST). A live window
/// that slid drops the lines of the segments that left and renders the new first segment again
/// (it must carry its `#EXT-X-MAP`). When the listed segments are not the ones rendered, less
/// some at the start, plus new ones at the end — the last segment was replaced, another
/// playlist — everything is rendered again.
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
    /// Where each rendered segment's lines end in `body` (UTF-8 offsets).
    private var segmentEnds: [Int] = []

    public init(options: WriteOptions = .init()) {
        self.options = options
    }

    public mutating func write(_ playlist: MediaPlaylist) -> String {
        let segments = playlist.segments
        // Segments that left the start of the window since the last call.
        let left = playlist.mediaSequence - mediaSequence
        // A new first segment without a map would leave the map in force after it unknown.
        let continues =
            renderedCount > 0 && left >= 0 && left < renderedCount && segments.count >= renderedCount - left
            && segments[renderedCount - left - 1] == lastRendered && (left == 0 || segments[0].map != nil)
        if !continues {
            body = ""
            renderedCount = 0
            segmentEnds = []
            currentMap = nil
            mediaSequence = playlist.mediaSequence
        } else if left > 0 {
            dropRendered(left, newFirst: segments[0])
        }
        for segment in segments[renderedCount...] {
            PlaylistWriter.appendLines(of: segment, after: &currentMap, options: options, to: &body)
            segmentEnds.append(body.utf8.count)
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

    /// Drops the lines of the first `count` rendered segments; `newFirst` (the segment now
    /// first) is rendered again as a first segment, with its map.
    private mutating func dropRendered(_ count: Int, newFirst: MediaSegment) {
        var first = ""
        var noMap: MediaInitializationSection?
        PlaylistWriter.appendLines(of: newFirst, after: &noMap, options: options, to: &first)
        let restStart = segmentEnds[count]
        let utf8 = body.utf8
        body = first + String(Substring(utf8[utf8.index(utf8.startIndex, offsetBy: restStart)...]))
        let shift = first.utf8.count - restStart
        segmentEnds = [first.utf8.count] + segmentEnds[(count + 1)...].map { $0 + shift }
        renderedCount -= count
        mediaSequence += count
    }
}
