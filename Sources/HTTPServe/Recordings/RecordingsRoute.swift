import Export
import Hummingbird
import Ingest

/// `GET /api/streams/<name>/recordings[?start=T&end=T]`: the spans of a stream's recording as
/// JSON, `[{"start": …, "end": …, "duration": …, "segments": …}]`, start and end ISO 8601 with
/// milliseconds. Consecutive segments are one span; an `#EXT-X-DISCONTINUITY` (a reconnect), a
/// gap in the program date-times or a new init segment (a codec change) starts the next. With
/// a range, the spans of the segments that overlap it (whole segments). T is the export
/// route's: an ISO 8601 date-time, seconds ≥ 0 from the start of the recording, or negative
/// seconds before its live edge.
struct RecordingsRoute: Sendable {
    let root: String

    static let path = "/api/streams/:name/recordings"

    struct Span: Encodable {
        var start: String
        var end: String
        var duration: Double
        var segments: Int
    }

    func respond(to request: Request, context: ServeRequestContext) throws -> Response {
        let name = try context.parameters.require("name")
        guard StreamName.isValid(Substring(name)), let recording = try? HLSRecording(contentsOf: root + "/" + name) else {
            throw HTTPError(.notFound, message: "no recording for stream '\(name)'")
        }
        let range = try RecordingRange(query: request.uri.queryParameters, recording: recording, name: name)
        let spans: [RecordingSpan]
        do {
            spans = try recording.spans(overlapping: range.lower..<range.upper)
        } catch {
            throw HTTPError(.notFound, message: error.reason)
        }
        return try HLSServer.json(
            spans.map { Span(start: $0.start.iso8601, end: $0.end.iso8601, duration: $0.duration, segments: $0.segments) })
    }
}
