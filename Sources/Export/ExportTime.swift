import Foundation
import Playlist

/// A point in a recording, as a user or an HTTP query names it.
///
/// - `seconds`: from the start of the recording (the sum of the EXTINF durations before it,
///   the time line every HLS player shows);
/// - `date`: a wall-clock instant, matched against `#EXT-X-PROGRAM-DATE-TIME`;
/// - `beforeLiveEdge`: seconds before the end of the recording as listed now (HTTP's negative
///   numbers: `-600` is the last ten minutes).
public enum ExportTime: Sendable, Equatable, CustomStringConvertible {
    case seconds(Double)
    case date(Date)
    case beforeLiveEdge(Double)

    /// Parses `7.3` (seconds), `-600` (before the live edge), `01:02:03.5` or `02:03`
    /// (hours, minutes, seconds), or an ISO 8601 date-time with a time zone or `Z`
    /// (`2026-12-06T14:05:00Z`, `2026-12-06T15:05:00.250+01:00`; no zone is read as UTC).
    public init(parsing text: String) throws(ExportError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, trimmed.first != "+" {
            self = seconds < 0 || trimmed.hasPrefix("-") ? .beforeLiveEdge(-seconds) : .seconds(seconds)
            return
        }
        if let seconds = Self.clockSeconds(trimmed) {
            self = .seconds(seconds)
            return
        }
        if let instant = ProgramDateTime(iso8601: trimmed) {
            self = .date(Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000))
            return
        }
        throw ExportError(
            .invalidTime,
            "'\(text)' is not a time: give seconds (7.3), hh:mm:ss (00:01:30), or an ISO 8601 date-time (2026-12-06T14:05:00Z)")
    }

    /// `hh:mm:ss[.f]` or `mm:ss[.f]`; nil for anything else.
    private static func clockSeconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.first != "-" && $0.first != "+" }) else {
            return nil
        }
        var total = 0.0
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            guard let value = isLast ? Double(part) : Double(Int(part) ?? -1), value >= 0, value.isFinite else { return nil }
            if !isLast, value >= 60, index > 0 { return nil }
            if isLast, value >= 60 { return nil }
            total = total * 60 + value
        }
        return total
    }

    public var description: String {
        switch self {
        case .seconds(let seconds): "\(seconds) s"
        case .date(let date):
            ProgramDateTime(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded())).iso8601
        case .beforeLiveEdge(let seconds): "\(seconds) s before the live edge"
        }
    }
}

extension ExportTime {
    /// Seconds from the start of a recording `duration` seconds long: `seconds` as given,
    /// `beforeLiveEdge` counted back from the end, and a date placed by `offsetOfDate`
    /// (milliseconds since the epoch → seconds; nil: the recording has no program date-time,
    /// and `source` names it in the error).
    public func seconds(
        recordingDuration duration: Double, source: String, offsetOfDate: (Int64) -> Double?
    ) throws(ExportError) -> Double {
        switch self {
        case .seconds(let seconds):
            guard seconds.isFinite else { throw ExportError(.invalidTime, "a time must be a finite number of seconds") }
            return seconds
        case .beforeLiveEdge(let seconds):
            guard seconds.isFinite else { throw ExportError(.invalidTime, "a time must be a finite number of seconds") }
            return duration - seconds
        case .date(let date):
            guard let seconds = offsetOfDate(Int64((date.timeIntervalSince1970 * 1000).rounded())) else {
                throw ExportError(.noProgramDateTime, "\(source) has no #EXT-X-PROGRAM-DATE-TIME: give the time in seconds from its start")
            }
            return seconds
        }
    }
}
