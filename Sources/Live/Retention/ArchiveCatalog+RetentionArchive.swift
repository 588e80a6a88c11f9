import Packager

/// The archive catalog as retention reads it: the streams with an index file (those this
/// server writes), each stream's index snapshot by position.
extension ArchiveCatalog: RetentionArchive {
    public func segments(of stream: String) -> any RetainedSegments {
        guard let index = index(of: stream) else { return RetainedSegmentArray([]) }
        return IndexedSegments(index: index)
    }

    public func retiredThrough(stream: String) -> Int? {
        index(of: stream)?.retiredThrough
    }
}

/// An archive index snapshot by position: O(1) per segment, nothing copied.
struct IndexedSegments: RetainedSegments {
    let index: ArchiveIndex

    var count: Int { index.count }
    var totalSize: Int64 { Int64(index.totalSize) }
    subscript(position: Int) -> ArchiveSegment { index.segments[position] }
}
