import Live
import Packager
import Synchronization
import TestSupport
import Testing

/// `RetentionPlan`: age, per-stream size and root size, in that order; never a stream's newest
/// segment; checked by hand on small cases and against a one-segment-at-a-time reference on
/// seeded random archives.
@Suite("Retention plan")
struct RetentionPlanTests {
    /// `count` segments of `stream` numbered from `first`, `seconds` long and `size` bytes each,
    /// the first starting at `start` (ms).
    static func segments(first: Int = 0, count: Int, start: Int64, seconds: Double = 2, size: Int = 1000) -> [ArchiveSegment] {
        (0..<count).map { i in
            ArchiveSegment(
                sequenceNumber: first + i, uri: "seg\(first + i).m4s", initURI: "init.mp4",
                date: start + Int64(Double(i) * seconds * 1000), duration: seconds, size: size, discontinuity: false, playlist: "")
        }
    }

    static func stream(_ name: String, _ segments: [ArchiveSegment], _ limits: RetentionLimits = RetentionLimits())
        -> RetentionPlan.Stream
    {
        RetentionPlan.Stream(name: name, segments: RetainedSegmentArray(segments), limits: limits)
    }

    @Test("age: the segments that ended more than retain_for ago go; one ending exactly then stays")
    func age() {
        // Ten 2-s segments from t = 0: segment i ends at (i + 1) · 2000 ms.
        let cam = Self.segments(first: 100, count: 10, start: 0)
        let plan = RetentionPlan(streams: [Self.stream("cam", cam, RetentionLimits(maxAge: 10))], totalSize: nil, now: 16_000)
        // Cutoff 6000: segments ending at 2000 and 4000 go; the one ending at 6000 stays.
        #expect(plan.cuts == [RetentionPlan.Cut(stream: "cam", sequenceNumber: 101, count: 2, bytes: 2000)])
        let none = RetentionPlan(streams: [Self.stream("cam", cam, RetentionLimits(maxAge: 10))], totalSize: nil, now: 12_000)
        #expect(none.cuts.isEmpty)
    }

    @Test("the newest segment is never retired, whatever the limits")
    func newestStays() {
        let cam = Self.segments(count: 3, start: 0, size: 5_000_000)
        let old = RetentionPlan(streams: [Self.stream("cam", cam, RetentionLimits(maxAge: 1))], totalSize: nil, now: 1_000_000)
        #expect(old.cuts == [RetentionPlan.Cut(stream: "cam", sequenceNumber: 1, count: 2, bytes: 10_000_000)])
        let big = RetentionPlan(streams: [Self.stream("cam", cam, RetentionLimits(maxSize: 1_000_000))], totalSize: 1_000_000, now: 0)
        #expect(big.cuts == [RetentionPlan.Cut(stream: "cam", sequenceNumber: 1, count: 2, bytes: 10_000_000)])
        let one = RetentionPlan(
            streams: [Self.stream("one", Array(cam.prefix(1)), RetentionLimits(maxAge: 1))], totalSize: 1, now: 1_000_000)
        #expect(one.cuts.isEmpty)
        let empty = RetentionPlan(streams: [Self.stream("none", [], RetentionLimits(maxAge: 1))], totalSize: 1, now: 1_000_000)
        #expect(empty.cuts.isEmpty)
    }

    @Test("per-stream size: the oldest go until the stream keeps at most its limit")
    func streamSize() {
        let cam = Self.segments(count: 10, start: 0, size: 1000)
        let plan = RetentionPlan(streams: [Self.stream("cam", cam, RetentionLimits(maxSize: 3500))], totalSize: nil, now: 0)
        #expect(plan.cuts == [RetentionPlan.Cut(stream: "cam", sequenceNumber: 6, count: 7, bytes: 7000)])
        let exact = RetentionPlan(streams: [Self.stream("cam", cam, RetentionLimits(maxSize: 3000))], totalSize: nil, now: 0)
        #expect(exact.cuts.first?.count == 7, "3 segments are exactly the limit")
    }

    @Test("root size: the oldest media across streams goes first, not each stream's share")
    func totalSize() {
        // "a" started an hour before "b"; both write 1000-byte segments every 2 s.
        let a = Self.segments(count: 10, start: 0)
        let b = Self.segments(first: 50, count: 10, start: 3_600_000)
        let plan = RetentionPlan(streams: [Self.stream("b", b), Self.stream("a", a)], totalSize: 12_000, now: 0)
        #expect(plan.cuts == [RetentionPlan.Cut(stream: "a", sequenceNumber: 7, count: 8, bytes: 8000)])
        // When "a" is down to its newest segment, "b" gives the rest.
        let more = RetentionPlan(streams: [Self.stream("a", a), Self.stream("b", b)], totalSize: 5_000, now: 0)
        #expect(
            more.cuts == [
                RetentionPlan.Cut(stream: "a", sequenceNumber: 8, count: 9, bytes: 9000),
                RetentionPlan.Cut(stream: "b", sequenceNumber: 55, count: 6, bytes: 6000),
            ])
    }

    @Test("the limits apply in order: age, then the stream's size, then the root's")
    func order() {
        let a = Self.segments(count: 10, start: 0, size: 1000)  // ends at 2000 … 20000
        let b = Self.segments(count: 10, start: 1000, size: 2000)
        let plan = RetentionPlan(
            streams: [Self.stream("a", a, RetentionLimits(maxAge: 10)), Self.stream("b", b, RetentionLimits(maxSize: 10_000))],
            totalSize: 14_000, now: 20_000)
        // a: ending before 10000: 4 go (6000 left). b: 20000 → 10000: 5 go. Root: 16000 → b's
        // next (starts 11000) and a's next (starts 8000): a's first.
        #expect(
            plan.cuts == [
                RetentionPlan.Cut(stream: "a", sequenceNumber: 5, count: 6, bytes: 6000),
                RetentionPlan.Cut(stream: "b", sequenceNumber: 4, count: 5, bytes: 10_000),
            ])
    }

    /// The plan made the slow way: retire one segment at a time while a limit is exceeded,
    /// summing what is left from scratch each time.
    static func reference(streams: [(name: String, segments: [ArchiveSegment], limits: RetentionLimits)], totalSize: Int64?, now: Int64)
        -> [RetentionPlan.Cut]
    {
        var retired = streams.map { _ in 0 }
        func keptBytes(_ i: Int) -> Int64 { streams[i].segments[retired[i]...].reduce(0) { $0 + Int64($1.size) } }
        for (i, stream) in streams.enumerated() {
            if let maxAge = stream.limits.maxAge {
                while retired[i] < stream.segments.count - 1,
                    now - stream.segments[retired[i]].endDate > Int64((maxAge * 1000).rounded())
                {
                    retired[i] += 1
                }
            }
            if let maxSize = stream.limits.maxSize {
                while retired[i] < stream.segments.count - 1, keptBytes(i) > maxSize { retired[i] += 1 }
            }
        }
        if let totalSize {
            while streams.indices.map(keptBytes).reduce(0, +) > totalSize {
                let candidates = streams.indices.filter { retired[$0] < streams[$0].segments.count - 1 }
                guard
                    let oldest = candidates.min(by: {
                        (streams[$0].segments[retired[$0]].date, streams[$0].name)
                            < (streams[$1].segments[retired[$1]].date, streams[$1].name)
                    })
                else { break }
                retired[oldest] += 1
            }
        }
        return streams.indices.filter { retired[$0] > 0 }.sorted { streams[$0].name < streams[$1].name }.map { i in
            let gone = streams[i].segments[..<retired[i]]
            return RetentionPlan.Cut(
                stream: streams[i].name, sequenceNumber: gone.last!.sequenceNumber, count: gone.count,
                bytes: gone.reduce(0) { $0 + Int64($1.size) })
        }
    }

    @Test("seeded random archives: the same cuts as the reference, and the disk within the limits plus one segment per stream")
    func randomAgainstReference() {
        for seed in UInt64(1)...400 {
            var random = SeededRandom(seed: seed)
            let streamCount = Int.random(in: 1...5, using: &random)
            var streams: [(name: String, segments: [ArchiveSegment], limits: RetentionLimits)] = []
            for s in 0..<streamCount {
                var date = Int64.random(in: 0...100_000, using: &random)
                var number = Int.random(in: 0...1000, using: &random)
                var segments: [ArchiveSegment] = []
                for _ in 0..<Int.random(in: 0...40, using: &random) {
                    let duration = Double(Int.random(in: 500...4000, using: &random)) / 1000
                    segments.append(
                        ArchiveSegment(
                            sequenceNumber: number, uri: "seg\(number).m4s", initURI: "init.mp4", date: date, duration: duration,
                            size: Int.random(in: 1...5000, using: &random), discontinuity: false, playlist: ""))
                    number += 1
                    // Gaps (reconnects) now and then; equal dates across streams too.
                    date += Int64(duration * 1000) + (Bool.random(using: &random) ? 0 : Int64.random(in: 0...20_000, using: &random))
                }
                let limits = RetentionLimits(
                    maxAge: Bool.random(using: &random) ? Double(Int.random(in: 1...120, using: &random)) : nil,
                    maxSize: Bool.random(using: &random) ? Int64.random(in: 1...100_000, using: &random) : nil)
                streams.append(("s\(s)", segments, limits))
            }
            let totalSize: Int64? = Bool.random(using: &random) ? Int64.random(in: 1...200_000, using: &random) : nil
            let now = Int64.random(in: 0...300_000, using: &random)
            let plan = RetentionPlan(
                streams: streams.map { Self.stream($0.name, $0.segments, $0.limits) }, totalSize: totalSize, now: now)
            #expect(plan.cuts == Self.reference(streams: streams, totalSize: totalSize, now: now), "seed \(seed)")

            // What is left: each stream within its size limit, or down to its newest segment;
            // the root within its limit plus each stream's newest segment.
            var keptTotal: Int64 = 0
            var newestTotal: Int64 = 0
            for stream in streams where !stream.segments.isEmpty {
                let gone = plan.cuts.first { $0.stream == stream.name }?.count ?? 0
                #expect(gone < stream.segments.count, "seed \(seed): \(stream.name) lost its newest segment")
                let kept = stream.segments[gone...].reduce(0) { $0 + Int64($1.size) }
                keptTotal += kept
                newestTotal += Int64(stream.segments.last!.size)
                if let maxSize = stream.limits.maxSize {
                    #expect(kept <= maxSize || gone == stream.segments.count - 1, "seed \(seed): \(stream.name)")
                }
            }
            if let totalSize { #expect(keptTotal <= totalSize + newestTotal, "seed \(seed)") }
        }
    }

    @Test("a pass reads only the segments it retires and the next one (1.3 M kept, 2 retired)")
    func cost() {
        let reads = ReadCounter()
        let plan = RetentionPlan(
            streams: [
                RetentionPlan.Stream(name: "cam", segments: CountingSegments(reads: reads), limits: RetentionLimits(maxAge: 30 * 86_400))
            ],
            totalSize: nil, now: CountingSegments.start + 30 * 86_400_000 + 4_001)
        #expect(plan.cuts.first?.count == 2)
        #expect(reads.count <= 4, "\(reads.count) segments read")
    }
}

/// Counts segment reads.
private final class ReadCounter: Sendable {
    private let reads = Mutex(0)
    var count: Int { reads.withLock { $0 } }
    func add() { reads.withLock { $0 += 1 } }
}

/// 1.3 M 2-s segments made on demand, counting the reads.
private struct CountingSegments: RetainedSegments {
    static let start: Int64 = 1_700_000_000_000
    let reads: ReadCounter
    var count: Int { 1_300_000 }
    var totalSize: Int64 { 1_300_000 * 1_000_000 }
    subscript(position: Int) -> ArchiveSegment {
        reads.add()
        return ArchiveSegment(
            sequenceNumber: position, uri: "seg\(position).m4s", initURI: "init.mp4", date: Self.start + Int64(position) * 2000,
            duration: 2, size: 1_000_000, discontinuity: false, playlist: "")
    }
}
