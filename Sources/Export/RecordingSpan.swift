import Playlist

/// A stretch of a recording without a break: consecutive segments whose program date-times
/// continue each other, with no `#EXT-X-DISCONTINUITY` and one init segment. A publisher that
/// reconnects, a gap in time or a codec change starts the next span.
public struct RecordingSpan: Sendable, Equatable {
    /// Wall-clock start of the span's first segment and end of its last.
    public var start: ProgramDateTime
    public var end: ProgramDateTime
    public var segments: Int

    /// Seconds from start to end.
    public var duration: Double { Double(end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) / 1000 }

    /// A program date-time further than this from where the previous segment ended is a gap.
    public static let gapTolerance = 0.5
}

extension HLSRecording {
    /// The spans of the segments that overlap `range` (seconds on the recording's time line;
    /// the whole recording when nil), each counted whole. `.noProgramDateTime` when the playlist
    /// dates none of its segments; a segment without a date of its own counts on from the last
    /// one that has one.
    public func spans(overlapping range: Range<Double>? = nil) throws(ExportError) -> [RecordingSpan] {
        guard let firstDated = segments.firstIndex(where: { $0.programDateTime != nil }) else {
            throw ExportError(.noProgramDateTime, "\(playlistPath) has no #EXT-X-PROGRAM-DATE-TIME: its recording has no dates")
        }
        // Dates of the segments before the first dated one count back from it.
        var anchor = (start: segments[firstDated].start, millis: segments[firstDated].programDateTime!.millisecondsSinceEpoch)
        var spans: [RecordingSpan] = []
        var previous: (end: Int64, initPath: String, included: Bool)?
        for segment in segments {
            if let date = segment.programDateTime { anchor = (segment.start, date.millisecondsSinceEpoch) }
            let startMillis = anchor.millis + Int64(((segment.start - anchor.start) * 1000).rounded())
            let endMillis = startMillis + Int64((segment.duration * 1000).rounded())
            let included = range.map { segment.start + segment.duration > $0.lowerBound && segment.start < $0.upperBound } ?? true
            defer { previous = (endMillis, segment.initPath, included) }
            guard included else { continue }
            let continues =
                previous.map { previous in
                    previous.included && !segment.discontinuity && segment.initPath == previous.initPath
                        && abs(Double(startMillis - previous.end) / 1000) <= RecordingSpan.gapTolerance
                } ?? false
            if continues, !spans.isEmpty {
                spans[spans.count - 1].end = ProgramDateTime(millisecondsSinceEpoch: endMillis)
                spans[spans.count - 1].segments += 1
            } else {
                spans.append(
                    RecordingSpan(
                        start: ProgramDateTime(millisecondsSinceEpoch: startMillis),
                        end: ProgramDateTime(millisecondsSinceEpoch: endMillis),
                        segments: 1))
            }
        }
        return spans
    }
}
