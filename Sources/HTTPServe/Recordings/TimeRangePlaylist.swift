import Export
import Foundation
import Hummingbird
import NIOCore
import Packager
import Playlist

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `GET /hls/<name>/index.m3u8?start=T&end=T`: the segments of the stream's recording that
/// overlap the range, as a playlist of their own — VOD with `#EXT-X-ENDLIST` when the request
/// names an end, else EVENT (it grows as the stream does, from START; ended when the stream's
/// playlist is). Answered from the stream's archive index (`ArchiveCatalog`), never by listing
/// or reading segment files: the whole archive, not only what the live playlist still lists.
///
/// Each listed segment keeps its URI, duration, discontinuity and `EXT-X-MAP`; program
/// date-times are those of the segments that have one (all, in an index file), and the first
/// segment always carries its date. `EXT-X-MEDIA-SEQUENCE` is the first listed segment's
/// sequence number and `EXT-X-DISCONTINUITY-SEQUENCE` counts the discontinuities before it.
enum TimeRangePlaylist {
    /// Whether a request for a playlist asks for a time range (a `start` or `end` parameter).
    static func isAsked(in query: Hummingbird.Parameters) -> Bool {
        query.get("start") != nil || query.get("end") != nil
    }

    static func response(catalog: ArchiveCatalog, query: Hummingbird.Parameters, name: String) throws -> Response {
        guard let index = catalog.index(of: name) else {
            throw HTTPError(.notFound, message: "no playlist for stream '\(name)'")
        }
        let range = try RecordingRange(query: query, index: index, name: name)
        let positions = range.positions(in: index)
        guard !positions.isEmpty else {
            throw HTTPError(.badRequest, message: "no segment of '\(name)' overlaps the range")
        }
        let ended = index.ended || Self.liveEnded(catalog.root + "/" + name + "/" + HLSRecording.playlistName)
        let out = playlist(index, positions: positions, hasEnd: range.hasEnd, ended: ended)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.apple.mpegurl"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: PlaylistWriter.write(out))))
    }

    /// The segments at `positions` as a media playlist.
    static func playlist(_ index: ArchiveIndex, positions: Range<Int>, hasEnd: Bool, ended: Bool) -> MediaPlaylist {
        var segments: [MediaSegment] = []
        segments.reserveCapacity(positions.count)
        for position in positions {
            let segment = index.segments[position]
            let dated = index.hasDates && (position == positions.lowerBound || index.isDated(at: position))
            segments.append(
                MediaSegment(
                    uri: segment.uri, duration: segment.duration, discontinuity: segment.discontinuity,
                    map: segment.initURI.isEmpty ? nil : MediaInitializationSection(uri: segment.initURI),
                    programDateTime: dated ? ProgramDateTime(millisecondsSinceEpoch: segment.date) : nil))
        }
        return MediaPlaylist(
            targetDuration: index.targetDuration(for: positions), mediaSequence: index.sequenceNumber(at: positions.lowerBound),
            discontinuitySequence: index.discontinuitySequence(at: positions.lowerBound), playlistType: hasEnd ? .vod : .event,
            independentSegments: index.independentSegments, endList: hasEnd || ended, segments: segments)
    }

    /// Whether the live playlist at `path` ends with `#EXT-X-ENDLIST` (its last bytes are read).
    static func liveEnded(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        let tailLength = min(Int(status.st_size), 64)
        var tail = [UInt8](repeating: 0, count: tailLength)
        let count = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, tailLength, off_t(Int(status.st_size) - tailLength)) }
        guard count == tailLength else { return false }
        return String(decoding: tail, as: UTF8.self).contains("#EXT-X-ENDLIST")
    }
}
