import Export
import Hummingbird
import Ingest
import Packager
import Playlist

/// `GET /api/streams/<name>/recordings[?start=T&end=T]`: the spans of a stream's recording as
/// JSON, `[{"start": …, "end": …, "duration": …, "segments": …}]`, start and end ISO 8601 with
/// milliseconds. Consecutive segments are one span; an `#EXT-X-DISCONTINUITY` (a reconnect), a
/// gap in the program date-times over `RecordingSpan.gapTolerance` or a new init segment (a
/// codec change) starts the next. With a range, the spans of the segments that overlap it
/// (whole segments). T is the export route's: an ISO 8601 date-time, seconds ≥ 0 from the
/// start of the kept recording, or negative seconds before its live edge.
///
/// Answered from the stream's archive index (`ArchiveCatalog`): binary searches and one step
/// per span, whatever the length of the recording.
struct RecordingsRoute: Sendable {
    let catalog: ArchiveCatalog

    static let path = "/api/streams/:name/recordings"

    struct Span: Encodable {
        var start: String
        var end: String
        var duration: Double
        var segments: Int
    }

    func respond(to request: Request, context: ServeRequestContext) throws -> Response {
        let name = try context.parameters.require("name")
        guard StreamName.isValid(Substring(name)), let index = catalog.index(of: name) else {
            throw HTTPError(.notFound, message: "no recording for stream '\(name)'")
        }
        let range = try RecordingRange(query: request.uri.queryParameters, index: index, name: name)
        guard index.hasDates else {
            throw HTTPError(.notFound, message: "the recording of '\(name)' has no #EXT-X-PROGRAM-DATE-TIME: its recording has no dates")
        }
        return try HLSServer.json(Self.spans(of: index, in: range.positions(in: index)))
    }

    /// The spans among the segments at `positions`, each cut to them.
    static func spans(of index: ArchiveIndex, in positions: Range<Int>) -> [Span] {
        index.spanRanges(in: positions).map { span in
            let start = index.date(at: span.lowerBound)
            let end = index.endDate(at: span.upperBound - 1)
            return Span(
                start: ProgramDateTime(millisecondsSinceEpoch: start).iso8601, end: ProgramDateTime(millisecondsSinceEpoch: end).iso8601,
                duration: Double(end - start) / 1000, segments: span.count)
        }
    }
}
