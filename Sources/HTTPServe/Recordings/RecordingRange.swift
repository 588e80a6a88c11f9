import Export
import Hummingbird

/// The `start=T&end=T` of a recordings or time-range playlist request, on the recording's time
/// line (seconds from its start) and inside it. T is the export route's: an ISO 8601
/// date-time, seconds ≥ 0 from the start of the recording, or negative seconds before its live
/// edge. A bad T, a start not before the end or a range outside the recording is a 400 with
/// the reason.
struct RecordingRange {
    var lower: Double
    var upper: Double
    /// The request named an end (a time-range playlist is then VOD, else EVENT).
    var hasEnd: Bool

    init(query: Hummingbird.Parameters, recording: HLSRecording, name: String) throws {
        func seconds(_ key: String) throws -> Double? {
            guard let time = try Self.time(key, in: query) else { return nil }
            do {
                return try recording.seconds(for: time)
            } catch {
                throw HTTPError(.badRequest, message: "\(key): \(error.reason)")
            }
        }
        let (start, end) = (try seconds("start"), try seconds("end"))
        if let start, let end, start >= end {
            throw HTTPError(.badRequest, message: "start (\(start) s) is not before end (\(end) s)")
        }
        let total = recording.duration
        (lower, upper, hasEnd) = (max(0, start ?? 0), min(total, end ?? total), end != nil)
        guard lower < upper else {
            throw HTTPError(.badRequest, message: "the range lies outside the recording of '\(name)', which is \(total) s long")
        }
    }

    /// The time a query parameter names; nil when it is absent, a 400 naming `key` when it
    /// does not parse.
    static func time(_ key: String, in query: Hummingbird.Parameters) throws -> ExportTime? {
        guard let text = query.get(key) else { return nil }
        do {
            return try ExportTime(parsing: text)
        } catch {
            throw HTTPError(.badRequest, message: "\(key): \(error.reason)")
        }
    }

    /// Whether the recording's segment `segment` overlaps the range.
    func overlaps(_ segment: HLSRecording.Segment) -> Bool {
        segment.start + segment.duration > lower && segment.start < upper
    }
}
