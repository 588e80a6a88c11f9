import Segmenter

/// One progressive MP4 as the pieces it is made of: the header (`ftyp`, `moov`, the `mdat`
/// box header) computed from the segments' `moof`s, then the samples' bytes as ranges of the
/// segment files, in chunk order, adjacent ranges of one file merged.
///
/// Nothing of the media is held in memory: a writer or an HTTP response copies the ranges.
/// `pieces(in:)` answers any byte range of the file, for HTTP Range requests.
public struct ExportFile: Sendable {
    /// A run of bytes of one segment file.
    public struct FileRange: Sendable, Equatable {
        /// Index into `paths`.
        public var source: UInt32
        public var offset: UInt64
        public var length: UInt64
    }

    public var header: [UInt8]
    public var paths: [String]
    public var ranges: [FileRange]
    /// Where each range starts in the file.
    private var rangeStarts: [UInt64]
    /// header + every sample.
    public var size: UInt64
    /// Seconds from the start of the recording at which presentation starts.
    public var start: Double
    /// Seconds of presentation (the movie's duration).
    public var duration: Double
    /// Samples per track, in the order of the `moov`'s tracks.
    public var sampleCounts: [Int]

    init(header: [UInt8], paths: [String], ranges: [FileRange], start: Double, duration: Double, sampleCounts: [Int]) {
        self.header = header
        self.paths = paths
        self.ranges = ranges
        self.start = start
        self.duration = duration
        self.sampleCounts = sampleCounts
        var position = UInt64(header.count)
        rangeStarts = []
        rangeStarts.reserveCapacity(ranges.count)
        for range in ranges {
            rangeStarts.append(position)
            position += range.length
        }
        size = position
    }

    /// Every piece of the file, in order.
    public var pieces: [ExportPiece] { pieces(in: 0..<size) }

    /// The exact pieces that make up bytes `range` of the file (clamped to the file).
    public func pieces(in range: Range<UInt64>) -> [ExportPiece] {
        let lower = min(range.lowerBound, size)
        let upper = min(range.upperBound, size)
        guard lower < upper else { return [] }
        var pieces: [ExportPiece] = []
        let headerEnd = UInt64(header.count)
        if lower < headerEnd {
            pieces.append(.bytes(header[Int(lower)..<Int(min(upper, headerEnd))]))
        }
        guard upper > headerEnd else { return pieces }
        // The last range starting at or before `max(lower, headerEnd)`.
        let from = max(lower, headerEnd)
        var low = 0
        var high = ranges.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if rangeStarts[middle] <= from { low = middle } else { high = middle - 1 }
        }
        var index = low
        while index < ranges.count, rangeStarts[index] < upper {
            let range = ranges[index]
            let start = rangeStarts[index]
            let sliceStart = max(from, start)
            let sliceEnd = min(upper, start + range.length)
            if sliceStart < sliceEnd {
                pieces.append(
                    .file(path: paths[Int(range.source)], offset: range.offset + (sliceStart - start), length: sliceEnd - sliceStart))
            }
            index += 1
        }
        return pieces
    }
}
