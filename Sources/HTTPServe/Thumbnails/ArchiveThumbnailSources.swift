import Export
import Hummingbird
import Packager

/// The `ThumbnailSourceLookup` of the server: the stream's archive index (`ArchiveCatalog`), so
/// that any time of the kept recording has a thumbnail, not only the live playlist's window.
/// T is placed on the recording's time line as the recordings, time-range and export routes
/// place it (`RecordingRange.seconds(for:in:name:)`); no T: the newest segment.
struct ArchiveThumbnailSources: Sendable {
    /// The canonical stream root.
    let root: String
    let archive: ArchiveCatalog

    var lookup: ThumbnailSourceLookup { { stream, at in try self.source(stream: stream, at: at) } }

    func source(stream: String, at time: ExportTime?) throws -> ThumbnailSource? {
        guard let index = archive.index(of: stream), !index.isEmpty else { return nil }
        var position = index.count - 1
        var isSettled = false
        if let time {
            let seconds: Double
            do {
                seconds = try RecordingRange.seconds(for: time, in: index, name: stream)
            } catch {
                throw HTTPError(.badRequest, message: "at: \(error.reason)")
            }
            guard seconds >= 0, seconds <= index.duration else {
                throw HTTPError(
                    .badRequest,
                    message: "at: \(time) lies outside the recording of '\(stream)', which is "
                        + String(format: "%.3f", index.duration) + " s long")
            }
            position = index.index(atOffset: seconds)
            // A date keeps its segment for good once it is inside the recording (seconds from
            // the start move when retention removes old media; the live edge moves on).
            if case .date = time, seconds < index.duration { isSettled = true }
        }
        let segment = index.segments[position]
        let folder = root + "/" + stream
        for uri in [segment.uri, segment.initURI] where SafePath.check(Substring(uri)) != nil {
            throw HTTPError(.forbidden, message: "the archive of '\(stream)' names a file outside the stream's folder")
        }
        let path = folder + "/" + segment.uri
        return ThumbnailSource(segmentPath: path, initPath: folder + "/" + segment.initURI, cacheKey: path, isSettled: isSettled)
    }
}
