import Export
import Foundation
import Hummingbird
import NIOCore
import Playlist

/// `GET /hls/<name>/index.m3u8?start=T&end=T`: the segments of the stream's playlist that
/// overlap the range, as a playlist of their own — VOD with `#EXT-X-ENDLIST` when the request
/// names an end, else EVENT (it grows as the stream does, from START). Segment URIs, durations,
/// discontinuities, `EXT-X-MAP`s and program date-times are the playlist's; the first segment
/// carries its date (counted on from the last dated one when it has none) and its map, and the
/// media and discontinuity sequence numbers count the segments left out before it. Made from
/// the playlist alone: no segment file is read.
enum TimeRangePlaylist {
    /// Whether a request for a playlist asks for a time range (a `start` or `end` parameter).
    static func isAsked(in query: Hummingbird.Parameters) -> Bool {
        query.get("start") != nil || query.get("end") != nil
    }

    static func response(playlistPath path: String, query: Hummingbird.Parameters, name: String) throws -> Response {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HTTPError(.notFound, message: "no playlist for stream '\(name)'")
        }
        let playlist: MediaPlaylist
        let recording: HLSRecording
        do {
            playlist = try HLSRecording.mediaPlaylist(text, from: path)
            recording = try HLSRecording(playlist: playlist, playlistPath: path)
        } catch {
            throw HTTPError(.unsupportedMediaType, message: error.reason)
        }
        let range = try RecordingRange(query: query, recording: recording, name: name)
        let selected = recording.segments.indices.filter { range.overlaps(recording.segments[$0]) }
        guard let first = selected.first, let last = selected.last else {
            throw HTTPError(.badRequest, message: "no segment of '\(name)' overlaps the range")
        }
        var out = playlist
        out.segments = Array(playlist.segments[first...last])
        out.mediaSequence = playlist.mediaSequence + first
        out.discontinuitySequence =
            playlist.discontinuitySequence + playlist.segments[...first].dropLast().filter(\.discontinuity).count
        out.playlistType = range.hasEnd ? .vod : .event
        out.endList = range.hasEnd || playlist.endList
        if out.segments[0].programDateTime == nil, let anchor = playlist.segments[..<first].lastIndex(where: { $0.programDateTime != nil })
        {
            let millis =
                playlist.segments[anchor].programDateTime!.millisecondsSinceEpoch
                + Int64(((recording.segments[first].start - recording.segments[anchor].start) * 1000).rounded())
            out.segments[0].programDateTime = ProgramDateTime(millisecondsSinceEpoch: millis)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.apple.mpegurl"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: PlaylistWriter.write(out))))
    }
}
