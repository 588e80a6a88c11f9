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
        let query = request.uri.queryParameters
        func seconds(_ key: String) throws -> Double? {
            guard let text = query.get(key) else { return nil }
            do {
                return try recording.seconds(for: ExportTime(parsing: text))
            } catch {
                throw HTTPError(.badRequest, message: "\(key): \(error.reason)")
            }
        }
        let (start, end) = (try seconds("start"), try seconds("end"))
        if let start, let end, start >= end {
            throw HTTPError(.badRequest, message: "start (\(start) s) is not before end (\(end) s)")
        }
        let total = recording.duration
        let (lower, upper) = (max(0, start ?? 0), min(total, end ?? total))
        guard lower < upper else {
            throw HTTPError(.badRequest, message: "the range lies outside the recording of '\(name)', which is \(total) s long")
        }
        let range = lower..<upper
        let spans: [RecordingSpan]
        do {
            spans = try recording.spans(overlapping: range)
        } catch {
            throw HTTPError(.notFound, message: error.reason)
        }
        return try HLSServer.json(
            spans.map { Span(start: $0.start.iso8601, end: $0.end.iso8601, duration: $0.duration, segments: $0.segments) })
    }
}
