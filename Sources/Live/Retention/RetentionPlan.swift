import Packager

/// What one retention pass retires: for each stream, the highest sequence number to retire
/// (everything up to it goes). Pure: segments, limits and the time in, cuts out.
///
/// The limits apply in this order, each over what the previous ones left:
/// 1. age (`maxAge`): the oldest segments that ended longer than `maxAge` ago;
/// 2. the stream's size (`maxSize`): the oldest until the stream keeps at most `maxSize` bytes;
/// 3. the root's size (`totalSize`): the oldest by date across all streams, one at a time,
///    until all streams together keep at most `totalSize` bytes.
/// A stream's newest segment is never retired: it is the one its playlists list last (and the
/// one a player asks for). So the disk holds at most the limit plus one segment per stream,
/// counting segment files (playlists and init files are small and not counted).
///
/// Cost: proportional to the segments retired (and log(streams) each for the root's size), not
/// to the segments kept: every limit is applied from the oldest segment forwards.
public struct RetentionPlan: Sendable, Equatable {
    /// One stream as the planner sees it.
    public struct Stream: Sendable {
        public var name: String
        public var segments: any RetainedSegments
        public var limits: RetentionLimits

        public init(name: String, segments: any RetainedSegments, limits: RetentionLimits) {
            self.name = name
            self.segments = segments
            self.limits = limits
        }
    }

    /// The segments one stream retires: the `count` oldest kept, through `sequenceNumber`.
    public struct Cut: Sendable, Equatable {
        public var stream: String
        /// The newest retired segment's sequence number.
        public var sequenceNumber: Int
        public var count: Int
        public var bytes: Int64

        public init(stream: String, sequenceNumber: Int, count: Int, bytes: Int64) {
            self.stream = stream
            self.sequenceNumber = sequenceNumber
            self.count = count
            self.bytes = bytes
        }
    }

    /// By stream name; only streams that retire something.
    public let cuts: [Cut]

    /// - Parameters:
    ///   - totalSize: the root's limit (bytes of all `streams` together); nil: none.
    ///   - now: milliseconds since the Unix epoch, on the clock of `ArchiveSegment.date`.
    public init(streams: [Stream], totalSize: Int64?, now: Int64) {
        let streams = streams.sorted { $0.name < $1.name }
        // retired[i]: how many of stream i's oldest segments go; kept[i]: the bytes left.
        var retired = [Int](repeating: 0, count: streams.count)
        var kept = streams.map(\.segments.totalSize)
        for (i, stream) in streams.enumerated() {
            let segments = stream.segments
            let last = segments.count - 1  // never retired
            if let maxAge = stream.limits.maxAge {
                let cutoff = now - Int64((maxAge * 1000).rounded())
                while retired[i] < last {
                    let oldest = segments[retired[i]]
                    guard oldest.endDate < cutoff else { break }
                    kept[i] -= Int64(oldest.size)
                    retired[i] += 1
                }
            }
            if let maxSize = stream.limits.maxSize {
                while retired[i] < last, kept[i] > maxSize {
                    kept[i] -= Int64(segments[retired[i]].size)
                    retired[i] += 1
                }
            }
        }
        if let totalSize {
            var sum = kept.reduce(0, +)
            // The oldest remaining segment of every stream that has one to give, by date (then
            // by stream name, so that equal dates give the same plan every time).
            var oldest = OldestFirst()
            for (i, stream) in streams.enumerated() where retired[i] < stream.segments.count - 1 {
                oldest.insert(OldestFirst.Entry(date: stream.segments[retired[i]].date, stream: i))
            }
            while sum > totalSize, let next = oldest.popFirst() {
                let i = next.stream
                let segments = streams[i].segments
                let size = Int64(segments[retired[i]].size)
                kept[i] -= size
                sum -= size
                retired[i] += 1
                if retired[i] < segments.count - 1 {
                    oldest.insert(OldestFirst.Entry(date: segments[retired[i]].date, stream: i))
                }
            }
        }
        cuts = streams.indices.compactMap { i in
            guard retired[i] > 0 else { return nil }
            let stream = streams[i]
            return Cut(
                stream: stream.name, sequenceNumber: stream.segments[retired[i] - 1].sequenceNumber, count: retired[i],
                bytes: stream.segments.totalSize - kept[i])
        }
    }
}

/// A binary min-heap of streams by the date of their oldest remaining segment; streams are
/// indices into the planner's name-sorted list, so equal dates come out in name order.
private struct OldestFirst {
    struct Entry {
        var date: Int64
        var stream: Int

        func precedes(_ other: Entry) -> Bool { (date, stream) < (other.date, other.stream) }
    }

    private var entries: [Entry] = []

    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let first = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
            guard smallest != parent else { return first }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
