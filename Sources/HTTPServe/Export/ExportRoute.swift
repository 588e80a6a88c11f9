import Export
import Foundation
import Hummingbird
import Ingest
import Logging
import NIOCore
import Packager
import Playlist

/// `GET|HEAD /api/streams/<name>/export.mp4?start=T&end=T` (or `&duration=S`, `&download=1`):
/// a stretch of a stream's recording as one progressive MP4, computed from the segments'
/// `moof`s (`ExportPlanner`) and streamed from the segment files, with byte ranges.
///
/// T is an ISO 8601 date-time, seconds ≥ 0 from the start of the kept recording, or negative
/// seconds before its live edge. Such a request is answered with a redirect to its pinned form:
/// both ends as dates (as seconds when the recording has no `#EXT-X-PROGRAM-DATE-TIME`), the
/// end no later than the recording's end now. A pinned URL names the same bytes on every
/// request, as a `<video>` element's range requests need, even while the stream goes on or its
/// oldest segments are deleted.
///
/// Times are resolved on the stream's archive index (`ArchiveCatalog`), so any stretch of the
/// archive can be exported, not only what the live playlist still lists; the planner is given
/// the index's slice around the stretch as an `HLSRecording`.
struct ExportRoute: Sendable {
    let catalog: ArchiveCatalog
    let planner: ExportPlanner
    /// The longest stretch one request may ask for.
    let maxDuration: Double
    let logger: Logger

    /// The route's path under the router.
    static let path = "/api/streams/:name/export.mp4"

    func respond(to request: Request, context: ServeRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard StreamName.isValid(Substring(name)) else { throw Self.error(.notFound, "no stream named '\(name)'") }
        let folder = catalog.root + "/" + name
        let query = request.uri.queryParameters
        let asked = try Self.parseQuery(query)

        guard let index = catalog.index(of: name), !index.isEmpty else {
            throw Self.error(.notFound, "no recording for stream '\(name)'")
        }
        let stretch = try stretch(asked, index: index, name: name)
        if !Self.isPinned(asked, index: index, name: name) {
            let query = Self.pinnedQuery(
                start: Self.text(stretch.lowerBound, in: index), end: Self.text(stretch.upperBound, in: index), download: asked.download)
            var headers = HTTPFields()
            headers[.location] = "/api/streams/\(name)/export.mp4?\(query)"
            headers[.cacheControl] = "no-store"
            return Response(status: .found, headers: headers)
        }
        let slice = try Self.recording(index, around: stretch, folder: folder)
        try Self.checkConfined(slice, folder: folder)
        let file = try plan(ExportRequest(start: asked.start, end: asked.end), recording: slice)
        let downloadStart = asked.download ? query.get("start") : nil
        return try ExportResponse(file: file, request: request, name: name, downloadStart: downloadStart, logger: logger).response()
    }

    // MARK: - The query

    struct Query: Equatable {
        var start: ExportTime?
        var end: ExportTime?
        var duration: Double?
        var download: Bool
    }

    static func parseQuery(_ query: Hummingbird.Parameters) throws -> Query {
        let start = try RecordingRange.time("start", in: query)
        let end = try RecordingRange.time("end", in: query)
        var duration: Double?
        if let text = query.get("duration") {
            guard let value = Double(text), value.isFinite, value > 0 else {
                throw Self.error(.badRequest, "duration: '\(text)' is not a positive number of seconds")
            }
            guard end == nil else { throw Self.error(.badRequest, "give end or duration, not both") }
            duration = value
        }
        let download = query.get("download").map { $0 == "1" || $0 == "true" } ?? false
        return Query(start: start, end: end, duration: duration, download: download)
    }

    /// `start=…&end=…[&download=1]`, in this order: the form every pinned URL has.
    static func pinnedQuery(start: String?, end: String?, download: Bool) -> String {
        var items: [String] = []
        if let start { items.append("start=" + start) }
        if let end { items.append("end=" + end) }
        if download { items.append("download=1") }
        return items.joined(separator: "&")
    }

    // MARK: - Pinning

    /// Both ends asked for, on the recording's time line and inside it, checked against the
    /// limit.
    private func stretch(_ asked: Query, index: ArchiveIndex, name: String) throws -> ClosedRange<Double> {
        let total = index.duration
        let start: Double
        let end: Double
        do {
            start = max(
                0, try asked.start.map { time throws(ExportError) in try RecordingRange.seconds(for: time, in: index, name: name) } ?? 0)
            end = min(
                total,
                try asked.end.map { time throws(ExportError) in try RecordingRange.seconds(for: time, in: index, name: name) }
                    ?? asked.duration.map { start + $0 } ?? total)
        } catch {
            throw Self.error(.badRequest, error.reason)
        }
        guard start < total, end > start else {
            throw Self.error(
                .rangeNotSatisfiable,
                "the stretch asked for lies outside the recording of '\(name)', which is \(Self.seconds(total)) s long")
        }
        guard end - start <= maxDuration + 0.0005 else {
            throw Self.error(
                .badRequest, "at most \(Self.seconds(maxDuration)) s per export; \(Self.seconds(end - start)) s were asked for")
        }
        return start...end
    }

    /// Both ends given in the form that names the same instant on every request: dates when
    /// the recording has them, else seconds from its start; the end not past the recording's
    /// end now. Anything else is redirected to this form.
    static func isPinned(_ asked: Query, index: ArchiveIndex, name: String) -> Bool {
        guard asked.duration == nil, let start = asked.start, let end = asked.end else { return false }
        let hasDates = index.hasDates
        func isAbsolute(_ time: ExportTime) -> Bool {
            switch time {
            case .date: hasDates
            case .seconds: !hasDates
            case .beforeLiveEdge: false
            }
        }
        guard isAbsolute(start), isAbsolute(end), let seconds = try? RecordingRange.seconds(for: end, in: index, name: name) else {
            return false
        }
        return seconds <= index.duration + 0.001
    }

    /// `seconds` on the recording's time line as a date-time, or as seconds without dates.
    static func text(_ seconds: Double, in index: ArchiveIndex) -> String {
        guard let millis = index.date(atOffset: seconds) else { return String(format: "%.3f", seconds) }
        return ProgramDateTime(millisecondsSinceEpoch: millis).iso8601
    }

    /// Segments the planner may look at before the stretch: the one before START that may
    /// hold audio for its first keyframe, and a keyframe search (`ExportPlanner.maxKeyframeLookback`).
    static let sliceLead = ExportPlanner.maxKeyframeLookback + 1

    /// The index's segments around `stretch` (and a few before and one after, so the planner
    /// sees what it would see in the whole recording) as a recording whose time line is the
    /// whole recording's: segment starts are offsets from the start of the kept recording.
    static func recording(_ index: ArchiveIndex, around stretch: ClosedRange<Double>, folder: String) throws -> HLSRecording {
        let first = max(0, index.index(atOffset: stretch.lowerBound) - sliceLead)
        let last = min(index.count - 1, index.index(atOffset: stretch.upperBound) + 1)
        let playlist = TimeRangePlaylist.playlist(index, positions: first..<(last + 1), hasEnd: true, ended: true)
        var recording: HLSRecording
        do {
            recording = try HLSRecording(playlist: playlist, playlistPath: folder + "/" + HLSRecording.playlistName)
        } catch {
            throw Self.error(.unsupportedMediaType, error.reason)
        }
        let shift = index.offset(at: first)
        for position in recording.segments.indices { recording.segments[position].start += shift }
        return recording
    }

    private func plan(_ request: ExportRequest, recording: HLSRecording) throws -> ExportFile {
        do {
            guard let file = try planner.plan(request, from: recording).first else {
                throw Self.error(.rangeNotSatisfiable, "nothing to export in this stretch")
            }
            return file
        } catch let error as ExportError {
            switch error.code {
            case .outsideRecording: throw Self.error(.rangeNotSatisfiable, error.reason)
            case .invalidTime, .noProgramDateTime, .limitTooSmall: throw Self.error(.badRequest, error.reason)
            case .noKeyframe, .missingSegment: throw Self.error(.notFound, error.reason)
            case .unsupportedSegments: throw Self.error(.unsupportedMediaType, error.reason)
            case .unreadableRecording, .unwritableOutput: throw Self.error(.internalServerError, error.reason)
            }
        }
    }

    // MARK: -

    /// Every file the recording names lies in the stream's own folder, by name: a playlist
    /// that lists `../other/seg1.m4s` or an absolute path is refused, so an export reads
    /// nothing another route would not serve. (The bytes are read with `O_NOFOLLOW`.)
    static func checkConfined(_ recording: HLSRecording, folder: String) throws {
        let prefix = folder + "/"
        for segment in recording.segments {
            for path in [segment.path, segment.initPath] {
                guard path.hasPrefix(prefix), SafePath.check(path.dropFirst(prefix.count)) == nil else {
                    throw Self.error(.forbidden, "the playlist lists a file outside the stream's folder")
                }
            }
        }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    static func error(_ status: HTTPResponse.Status, _ reason: String) -> HTTPError {
        HTTPError(status, message: reason)
    }
}
