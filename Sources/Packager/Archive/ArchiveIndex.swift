/// An immutable snapshot of one stream's archive index: its kept segments in sequence order,
/// with what the time queries need precomputed (offsets, discontinuity counts, span starts), so
/// that finding a position is a binary search and an answer costs what it lists.
///
/// Positions (`Int`) count from 0 at the first kept segment.
public struct ArchiveIndex: Sendable {
    let columns: ArchiveIndexColumns
    /// Global position (in `columns`) of position 0.
    let first: Int
    /// Bytes of the kept segment files.
    public let totalSize: Int
    /// The recording will not grow: its live playlist has `#EXT-X-ENDLIST`. Known for an index
    /// made from a playlist; an index file does not record it (false).
    public let ended: Bool
    /// Discontinuities before the first segment the index ever held (a playlist's
    /// `#EXT-X-DISCONTINUITY-SEQUENCE`).
    let discontinuityBase: Int
    /// The `#EXT-X-TARGETDURATION` of the playlist the index was made from (0: none).
    let declaredTargetDuration: Int
    /// The playlist the index was made from had `#EXT-X-INDEPENDENT-SEGMENTS`.
    public let independentSegments: Bool
    /// The highest sequence number retention marked gone (nil: none): segment files up to it
    /// still on disk are left over from a crash before their removal.
    public let retiredThrough: Int?

    /// A program date-time further than this from where the previous segment ended starts a
    /// new span (`RecordingSpan.gapTolerance`, in seconds).
    public static let spanGapTolerance = Double(ArchiveIndexBuilder.spanGapMilliseconds) / 1000

    init(
        columns: ArchiveIndexColumns, first: Int, totalSize: Int, ended: Bool, discontinuityBase: Int, declaredTargetDuration: Int,
        independentSegments: Bool, retiredThrough: Int? = nil
    ) {
        self.retiredThrough = retiredThrough
        self.columns = columns
        self.first = first
        self.totalSize = totalSize
        self.ended = ended
        self.discontinuityBase = discontinuityBase
        self.declaredTargetDuration = declaredTargetDuration
        self.independentSegments = independentSegments
    }

    /// The kept segments, in sequence order; each element is made when read.
    public struct Segments: RandomAccessCollection, Sendable {
        let index: ArchiveIndex
        public var startIndex: Int { 0 }
        public var endIndex: Int { index.count }
        public subscript(position: Int) -> ArchiveSegment {
            precondition(position >= 0 && position < endIndex, "archive index position out of range")
            return index.columns.segment(index.first + position)
        }
    }

    public var segments: Segments { Segments(index: self) }
    public var count: Int { columns.end - first }
    public var isEmpty: Bool { count == 0 }

    // MARK: Single fields (no strings made)

    public func sequenceNumber(at i: Int) -> Int { columns.sequenceNumber(first + i) }
    /// The program date-time of segment `i`'s start, ms: its own, or counted on (or back) from
    /// the nearest dated one.
    public func date(at i: Int) -> Int64 { columns.date(first + i) }
    public func endDate(at i: Int) -> Int64 { columns.endDate(first + i) }
    public func duration(at i: Int) -> Double { Double(columns.durationMicroseconds(first + i)) / 1_000_000 }
    /// The date of segment `i` is its own `#EXT-X-PROGRAM-DATE-TIME` (always so in an index file).
    public func isDated(at i: Int) -> Bool { columns.flags(first + i) & ArchiveIndexColumns.Flag.dated != 0 }
    public func isDiscontinuity(at i: Int) -> Bool { columns.flags(first + i) & ArchiveIndexColumns.Flag.discontinuity != 0 }
    /// Whether any segment has a program date-time of its own: without, `date(at:)` means nothing.
    public var hasDates: Bool { columns.hasDates }

    /// Seconds of media from the start of the kept recording to the start of segment `i`
    /// (the sum of earlier EXTINFs); `i == count` gives the whole duration.
    public func offset(at i: Int) -> Double {
        Double(columns.startMicroseconds(first + i) - columns.startMicroseconds(first)) / 1_000_000
    }

    /// Seconds of media kept: the sum of the EXTINFs.
    public var duration: Double { offset(at: count) }

    /// `#EXT-X-DISCONTINUITY-SEQUENCE` of a playlist whose first segment is `i`: the
    /// discontinuities before it, counted since the first segment the index ever held.
    public func discontinuitySequence(at i: Int) -> Int { discontinuityBase + columns.discontinuitiesBefore(first + i) }

    /// The smallest `#EXT-X-TARGETDURATION` for segments `range` (and at least the one of the
    /// playlist the index was made from).
    public func targetDuration(for range: Range<Int>) -> Int {
        var longest: UInt32 = 0
        for i in range { longest = max(longest, columns.durationMicroseconds(first + i)) }
        // Rounded to the nearest second, as `DecimalText.roundedSeconds` does for the writer.
        return max(declaredTargetDuration, Int((Double(longest) / 1_000_000).rounded()))
    }

    // MARK: Searches

    /// The first position in `0..<count` where `isAfter` turns true (`count` when never);
    /// `isAfter` must be false and then true along the positions.
    private func partition(_ isAfter: (Int) -> Bool) -> Int {
        var low = first
        var high = columns.end
        while low < high {
            let middle = (low + high) / 2
            if isAfter(middle) { high = middle } else { low = middle + 1 }
        }
        return low - first
    }

    /// The first segment that ends after `date` (ms); `count` when none does.
    public func firstIndex(endingAfterDate date: Int64) -> Int {
        partition { columns.endDate($0) > date }
    }

    /// The first segment that starts after `date` (ms); `count` when none does.
    public func firstIndex(startingAfterDate date: Int64) -> Int {
        partition { columns.date($0) > date }
    }

    /// The first segment that ends after offset `seconds`; `count` when none does.
    public func firstIndex(endingAfterOffset seconds: Double) -> Int {
        let micros = columns.startMicroseconds(first) + Self.microseconds(seconds)
        return partition { columns.startMicroseconds($0 + 1) > micros }
    }

    /// The first segment that starts at or after offset `seconds`; `count` when none does.
    public func firstIndex(startingAtOrAfterOffset seconds: Double) -> Int {
        let micros = columns.startMicroseconds(first) + Self.microseconds(seconds)
        return partition { columns.startMicroseconds($0) >= micros }
    }

    /// The position whose time span holds offset `seconds` (the last for times at or past the
    /// end, the first for times before the start), as `HLSRecording.segmentIndex(at:)`.
    public func index(atOffset seconds: Double) -> Int {
        guard count > 0 else { return 0 }
        let micros = columns.startMicroseconds(first) + Self.microseconds(seconds)
        let after = partition { columns.startMicroseconds($0) > micros }
        return min(max(0, after - 1), count - 1)
    }

    /// Offset `seconds` of a date (ms): counted from the last segment that starts at or before
    /// it (the first segment when none does), so a date in a gap maps past that segment's end.
    /// nil when no segment is dated.
    public func offset(forDate date: Int64) -> Double? {
        guard hasDates, count > 0 else { return nil }
        let anchor = max(0, firstIndex(startingAfterDate: date) - 1)
        return offset(at: anchor) + Double(date - self.date(at: anchor)) / 1000
    }

    /// The date (ms) at offset `seconds`: the date of the segment that holds it plus the time
    /// into it. nil when no segment is dated.
    public func date(atOffset seconds: Double) -> Int64? {
        guard hasDates, count > 0 else { return nil }
        let i = index(atOffset: seconds)
        return date(at: i) + Int64(((seconds - offset(at: i)) * 1000).rounded())
    }

    /// The spans (runs without a break: no discontinuity, no new init URI, no gap in dates over
    /// `spanGapTolerance`) among positions `range`, each cut to the range. Costs a binary search
    /// and one step per span.
    public func spanRanges(in range: Range<Int>) -> [Range<Int>] {
        guard !range.isEmpty else { return [] }
        let lower = first + range.lowerBound
        let upper = first + range.upperBound
        let starts = columns.spanStarts
        // The last span start at or before `lower`.
        var low = 0
        var high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] > lower { high = middle } else { low = middle + 1 }
        }
        var spans: [Range<Int>] = []
        var spanStart = lower
        var next = low
        while next < starts.count, starts[next] < upper {
            if starts[next] > spanStart {
                spans.append((spanStart - first)..<(starts[next] - first))
                spanStart = starts[next]
            }
            next += 1
        }
        spans.append((spanStart - first)..<(upper - first))
        return spans
    }

    static func microseconds(_ seconds: Double) -> Int64 {
        let value = (seconds * 1_000_000).rounded()
        guard value.isFinite else { return value > 0 ? Int64.max / 2 : Int64.min / 2 }
        return Int64(max(min(value, 4.0e18), -4.0e18))
    }
}
