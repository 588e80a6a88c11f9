import Export
import Hummingbird
import Packager

/// The `start=T&end=T` of a recordings or time-range playlist request, on the recording's time
/// line (seconds from the start of its kept part) and inside it. T is the export route's: an
/// ISO 8601 date-time, seconds ≥ 0 from the start of the recording, or negative seconds before
/// its live edge. A bad T, a start not before the end or a range outside the recording is a
/// 400 with the reason.
struct RecordingRange {
    var lower: Double
    var upper: Double
    /// The request named an end (a time-range playlist is then VOD, else EVENT).
    var hasEnd: Bool

    init(query: Hummingbird.Parameters, index: ArchiveIndex, name: String) throws {
        func seconds(_ key: String) throws -> Double? {
            guard let time = try Self.time(key, in: query) else { return nil }
            do {
                return try Self.seconds(for: time, in: index, name: name)
            } catch {
                throw HTTPError(.badRequest, message: "\(key): \(error.reason)")
            }
        }
        let (start, end) = (try seconds("start"), try seconds("end"))
        if let start, let end, start >= end {
            throw HTTPError(.badRequest, message: "start (\(start) s) is not before end (\(end) s)")
        }
        let total = index.duration
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

    /// Seconds from the start of the kept recording for `time` (as `HLSRecording.seconds(for:)`
    /// counts): a date counts from the last segment that starts at or before it.
    static func seconds(for time: ExportTime, in index: ArchiveIndex, name: String) throws(ExportError) -> Double {
        try time.seconds(recordingDuration: index.duration, source: "the recording of '\(name)'") { index.offset(forDate: $0) }
    }

    /// The positions of the segments that overlap the range.
    func positions(in index: ArchiveIndex) -> Range<Int> {
        let first = index.firstIndex(endingAfterOffset: lower)
        let end = index.firstIndex(startingAtOrAfterOffset: upper)
        return first..<max(first, end)
    }
}
