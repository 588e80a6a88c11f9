import Packager

/// One stream's kept segments as retention reads them: oldest first (sequence order), by
/// position, with their total size kept by the archive. A pass reads only the segments it
/// retires and the one after them, never the whole archive (1.3 M segments for a month of 2-s
/// segments), so each of these must be O(1): an adapter over the archive index's snapshot
/// answers from its arrays.
public protocol RetainedSegments: Sendable {
    /// How many segments are kept.
    var count: Int { get }
    /// Bytes of all of them (`ArchiveSegment.size` summed).
    var totalSize: Int64 { get }
    /// The segment at `position`: 0 is the oldest kept, `count - 1` the newest.
    subscript(position: Int) -> ArchiveSegment { get }
}

/// Kept segments in an array with their sum: the test archives' answer, and a simple one for
/// anything that holds few segments.
public struct RetainedSegmentArray: RetainedSegments, Equatable {
    public let segments: [ArchiveSegment]
    public let totalSize: Int64

    public init(_ segments: [ArchiveSegment]) {
        self.segments = segments
        totalSize = segments.reduce(0) { $0 + Int64($1.size) }
    }

    public var count: Int { segments.count }
    public subscript(position: Int) -> ArchiveSegment { segments[position] }
}
