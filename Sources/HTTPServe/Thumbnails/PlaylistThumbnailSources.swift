import Export
import Foundation
import Hummingbird

/// The default `ThumbnailSourceLookup`: the stream's `index.m3u8` under the root, read as an
/// `HLSRecording` on each request. T is placed on the recording's time line as the export and
/// recordings routes place it (`HLSRecording.seconds(for:)`): an ISO 8601 date-time against
/// the program date-times, seconds ≥ 0 from the start of the recording as listed, negative
/// seconds before its live edge. No T: the newest segment.
struct PlaylistThumbnailSources: Sendable {
    /// The canonical stream root.
    let root: String

    var lookup: ThumbnailSourceLookup { { stream, at in try self.source(stream: stream, at: at) } }

    func source(stream: String, at time: ExportTime?) throws -> ThumbnailSource? {
        let folder = root + "/" + stream
        let recording: HLSRecording
        do {
            recording = try HLSRecording(contentsOf: folder)
        } catch {
            guard error.code == .unsupportedSegments else { return nil }
            throw HTTPError(.notFound, message: error.reason)
        }
        guard let last = recording.segments.indices.last else { return nil }
        var index = last
        var isSettled = false
        if let time {
            let seconds: Double
            do {
                seconds = try recording.seconds(for: time)
            } catch {
                throw HTTPError(.badRequest, message: "at: \(error.reason)")
            }
            guard seconds >= 0, seconds <= recording.duration else {
                throw HTTPError(
                    .badRequest,
                    message: "at: \(time) lies outside the recording of '\(stream)', which is "
                        + String(format: "%.3f", recording.duration) + " s long")
            }
            index = recording.segmentIndex(at: seconds)
            // Segments only ever join the end, and a date keeps its place on the time line
            // (seconds from the start move when old segments leave; the live edge moves on).
            if case .date = time, seconds < recording.duration { isSettled = true }
        }
        let segment = recording.segments[index]
        for path in [segment.path, segment.initPath] {
            guard path.hasPrefix(folder + "/"), SafePath.check(path.dropFirst(folder.count + 1)) == nil else {
                throw HTTPError(.forbidden, message: "the playlist of '\(stream)' lists a file outside the stream's folder")
            }
        }
        return ThumbnailSource(segmentPath: segment.path, initPath: segment.initPath, cacheKey: segment.path, isSettled: isSettled)
    }
}
