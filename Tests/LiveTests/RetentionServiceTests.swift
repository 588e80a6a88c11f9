import Foundation
import Logging
import Packager
import Prometheus
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Live

/// An archive in memory that checks, when `retire` is called, that the crash-safe order was kept:
/// no playlist listing a retired segment is left, and every retired segment's file is still
/// there (the files go after).
final class MemoryArchive: RetentionArchive {
    struct State {
        var segments: [String: [ArchiveSegment]] = [:]
        var retired: [String: Int] = [:]
        var events: [String] = []
        var failRetire = false
    }

    let root: String
    let state: Mutex<State>

    init(root: String, segments: [String: [ArchiveSegment]], retired: [String: Int] = [:]) {
        self.root = root
        state = Mutex(State(segments: segments, retired: retired))
    }

    func streams() -> [String] { state.withLock { $0.segments.keys.sorted() } }
    func segments(of stream: String) -> any RetainedSegments { RetainedSegmentArray(state.withLock { $0.segments[stream] ?? [] }) }
    func retiredThrough(stream: String) -> Int? { state.withLock { $0.retired[stream] } }

    func retire(stream: String, through sequenceNumber: Int) throws {
        try state.withLock { state in
            guard !state.failRetire else { throw PackagerError(.writeFailed, "the index cannot be synced (test)") }
            let gone = (state.segments[stream] ?? []).filter { $0.sequenceNumber <= sequenceNumber }
            let listed = Set(gone.map(\.playlist)).filter {
                !$0.isEmpty && FileManager.default.fileExists(atPath: "\(root)/\(stream)/\($0)")
            }
            let missing = gone.filter { !FileManager.default.fileExists(atPath: "\(root)/\(stream)/\($0.uri)") }
            state.events.append(
                "retire \(stream) \(sequenceNumber)" + (listed.isEmpty ? "" : " playlists left: \(listed.sorted())")
                    + (missing.isEmpty ? "" : " files gone: \(missing.map(\.uri))"))
            state.segments[stream]?.removeAll { $0.sequenceNumber <= sequenceNumber }
            state.retired[stream] = sequenceNumber
        }
    }

    func append(_ segment: ArchiveSegment, to stream: String) { state.withLock { $0.segments[stream, default: []].append(segment) } }
    var events: [String] { state.withLock { $0.events } }
}

/// The live side as a recorder: streams in `live` answer with the playlists given; others nil.
final class RecordingWithdrawer: RetentionWithdrawing {
    let live: [String: [String]]
    let calls = Mutex<[String]>([])
    let failures = Mutex(0)

    init(live: [String: [String]] = [:], failing: Int = 0) {
        self.live = live
        failures.withLock { $0 = failing }
    }

    func withdraw(stream: String, through sequenceNumber: Int) async throws -> [String]? {
        calls.withLock { $0.append("withdraw \(stream) \(sequenceNumber)") }
        let fail = failures.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        if fail { throw PackagerError(.writeFailed, "the live playlist cannot be written (test)") }
        return live[stream]
    }
}

/// `RetentionService`: one pass in the crash-safe order (withdraw, playlists, retire, files),
/// what a failing step leaves, the files a crash left behind, symbolic links, metrics, the
/// service's own loop, and its place in `LiveServices`.
@Suite("Retention service", .serialized, .timeLimit(.minutes(1)))
struct RetentionServiceTests {
    static let start: Int64 = 1_700_000_000_000
    static let logger = Logger(label: "retention-test")

    /// `count` 2-s segments of 1000 bytes numbered from `first`; segment i is listed by
    /// `playlist(i)`; their files (and init.mp4, index.m3u8 and the playlists) are made on disk.
    static func makeStream(
        _ stream: String, root: String, first: Int = 0, count: Int, playlist: (Int) -> String = { _ in "" }
    ) throws -> [ArchiveSegment] {
        let folder = "\(root)/\(stream)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let segments = (first..<first + count).map { n in
            ArchiveSegment(
                sequenceNumber: n, uri: "seg\(n).m4s", initURI: "init.mp4", date: start + Int64(n) * 2000, duration: 2, size: 1000,
                discontinuity: false, playlist: playlist(n))
        }
        for name in segments.map(\.uri) + ["init.mp4", "index.m3u8"] + Set(segments.map(\.playlist)).filter({ !$0.isEmpty }) {
            try Data(repeating: 7, count: name.hasPrefix("seg") ? 1000 : 10).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
        }
        return segments
    }

    static func files(_ root: String, _ stream: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(stream)")) ?? [])
    }

    static func service(
        archive: MemoryArchive, live: RecordingWithdrawer = RecordingWithdrawer(), root: String, configuration: LiveConfiguration,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), now: Int64 = start + 3_600_000,
        interval: Duration = .seconds(10),
        logger: Logger = RetentionServiceTests.logger
    ) -> RetentionService {
        RetentionService(
            archive: archive, live: live, root: root, configuration: configuration, metrics: LiveMetrics(registry: registry),
            logger: logger, interval: interval, now: { now })
    }

    static func pass(_ service: RetentionService) async {
        var warned: Set<String> = []
        await service.pass(warned: &warned)
    }

    @Test("a live stream: withdraw, then every playlist listing a retired segment goes, then retire, then the files")
    func liveStream() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Segments 0…4 in period A, 5…9 in period B; 6 of them must go (keep ≤ 4000 bytes).
        let segments = try Self.makeStream("cam", root: root, count: 10) { $0 < 5 ? "archive-A.m3u8" : "archive-B.m3u8" }
        let archive = MemoryArchive(root: root, segments: ["cam": segments])
        let live = RecordingWithdrawer(live: ["cam": ["archive-A.m3u8"]])
        let registry = PrometheusCollectorRegistry()
        let configuration = LiveConfiguration(retention: RetentionLimits(maxSize: 4000))
        await Self.pass(Self.service(archive: archive, live: live, root: root, configuration: configuration, registry: registry))

        #expect(live.calls.withLock { $0 } == ["withdraw cam 5"])
        #expect(archive.events == ["retire cam 5"], "no playlist left and every file there when the archive forgot them")
        #expect(Self.files(root, "cam") == ["init.mp4", "index.m3u8", "seg6.m4s", "seg7.m4s", "seg8.m4s", "seg9.m4s"])
        #expect(registry.sample(#"hlsseg_archive_bytes{stream="cam"}"#) == 4000)
        #expect(registry.sample(#"hlsseg_archive_removed_bytes_total{stream="cam"}"#) == 6000)
        #expect(registry.sample(#"hlsseg_archive_removed_segments_total{stream="cam"}"#) == 6)

        // Within the limit: a second pass changes nothing.
        await Self.pass(Self.service(archive: archive, live: live, root: root, configuration: configuration, registry: registry))
        #expect(archive.events.count == 1)
        #expect(registry.sample(#"hlsseg_archive_removed_bytes_total{stream="cam"}"#) == 6000)
    }

    @Test("a stream that is not live: the retired segments' own period playlists go; the others stay")
    func notLive() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let segments = try Self.makeStream("old", root: root, count: 9) { "archive-\($0 / 3).m3u8" }
        let archive = MemoryArchive(root: root, segments: ["old": segments])
        // Now: 20 s after the end of segment 3 (ends at 8 s); keep 15 s: segments 0…3 go.
        let configuration = LiveConfiguration(retention: RetentionLimits(maxAge: 15))
        let service = Self.service(archive: archive, root: root, configuration: configuration, now: Self.start + 8000 + 15_001)
        await Self.pass(service)
        #expect(archive.events == ["retire old 3"])
        #expect(
            Self.files(root, "old") == [
                "init.mp4", "index.m3u8", "archive-2.m3u8", "seg4.m4s", "seg5.m4s", "seg6.m4s", "seg7.m4s", "seg8.m4s",
            ])
    }

    @Test("root size: the oldest stream gives first; the other keeps everything")
    func rootSize() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let old = try Self.makeStream("a", root: root, count: 10)
        let new = try Self.makeStream("b", root: root, first: 100, count: 10)
        let archive = MemoryArchive(root: root, segments: ["a": old, "b": new])
        let configuration = LiveConfiguration(retainTotalSize: 15_000)
        await Self.pass(Self.service(archive: archive, root: root, configuration: configuration))
        #expect(archive.events == ["retire a 4"])
        #expect(Self.files(root, "b").count == 12)
    }

    @Test("a failing withdraw or retire leaves the segments for the next pass, which finishes the job")
    func failures() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let segments = try Self.makeStream("cam", root: root, count: 5) { _ in "archive-A.m3u8" }
        let archive = MemoryArchive(root: root, segments: ["cam": segments])
        let live = RecordingWithdrawer(live: ["cam": []], failing: 1)
        let logs = RecordingLogHandler.Lines()
        let service = Self.service(
            archive: archive, live: live, root: root, configuration: LiveConfiguration(retention: RetentionLimits(maxSize: 1000)),
            logger: logs.logger())
        var warned: Set<String> = []
        await service.pass(warned: &warned)
        #expect(archive.events.isEmpty)
        #expect(Self.files(root, "cam").count == 8, "nothing removed after a failed withdraw")
        #expect(warned == ["cam"])

        archive.state.withLock { $0.failRetire = true }
        await service.pass(warned: &warned)
        #expect(archive.events.isEmpty)
        #expect(
            Self.files(root, "cam") == ["init.mp4", "index.m3u8", "seg0.m4s", "seg1.m4s", "seg2.m4s", "seg3.m4s", "seg4.m4s"],
            "the playlist went (nothing lists the segments), the files stay while the archive has them")
        #expect(logs.all.filter { $0.contains("retention cam") }.count == 1, "one warning while it keeps failing: \(logs.all)")

        archive.state.withLock { $0.failRetire = false }
        await service.pass(warned: &warned)
        #expect(archive.events == ["retire cam 3"])
        #expect(Self.files(root, "cam") == ["init.mp4", "index.m3u8", "seg4.m4s"])
        #expect(warned.isEmpty)
    }

    @Test("at start, files of segments retired before a crash go; kept segments, other files and link targets stay")
    func leftovers() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The archive retired 0…4 (durably) and the server died before removing their files.
        let segments = try Self.makeStream("cam", root: root, count: 10)
        let outside = "\(root)/outside.m4s"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.removeItem(atPath: "\(root)/cam/seg2.m4s")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/cam/seg2.m4s", withDestinationPath: outside)
        try Data([1]).write(to: URL(fileURLWithPath: "\(root)/cam/notes.txt"))
        try Data([1]).write(to: URL(fileURLWithPath: "\(root)/cam/.seg11.m4s.tmp"))
        let archive = MemoryArchive(root: root, segments: ["cam": Array(segments.dropFirst(5))], retired: ["cam": 4])
        await Self.service(archive: archive, root: root, configuration: LiveConfiguration()).removeLeftovers()
        #expect(
            Self.files(root, "cam") == [
                "init.mp4", "index.m3u8", "notes.txt", ".seg11.m4s.tmp", "seg5.m4s", "seg6.m4s", "seg7.m4s", "seg8.m4s", "seg9.m4s",
            ])
        #expect(FileManager.default.contents(atPath: outside) == Data([1, 2, 3]), "the link went, not what it points to")
        #expect(archive.events.isEmpty)
    }

    @Test("a stream folder that is a symbolic link is left alone, and the archive keeps its segments")
    func linkedFolder() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let elsewhere = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let segments = try Self.makeStream("cam", root: elsewhere, count: 5) { _ in "archive-A.m3u8" }
        try FileManager.default.createSymbolicLink(atPath: "\(root)/cam", withDestinationPath: "\(elsewhere)/cam")
        let archive = MemoryArchive(root: root, segments: ["cam": segments], retired: ["cam": -1])
        let service = Self.service(
            archive: archive, root: root, configuration: LiveConfiguration(retention: RetentionLimits(maxSize: 1000)))
        await Self.pass(service)
        await service.removeLeftovers()
        #expect(archive.events.isEmpty)
        #expect(Self.files(elsewhere, "cam").count == 8)
    }

    @Test("the service: a pass at start, one after segmentListed(), and it ends on graceful shutdown")
    func run() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let segments = try Self.makeStream("cam", root: root, count: 4)
        let archive = MemoryArchive(root: root, segments: ["cam": segments])
        let service = Self.service(
            archive: archive, root: root, configuration: LiveConfiguration(retention: RetentionLimits(maxSize: 2000)),
            interval: .seconds(600))
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: Self.logger)
        let running = Task { try await group.run() }
        #expect(await waitUntil(seconds: 30) { archive.events == ["retire cam 1"] })
        // Two more segments listed: far before the next timed pass, the nudge retires two more.
        for segment in try Self.makeStream("cam", root: root, first: 4, count: 2) { archive.append(segment, to: "cam") }
        service.segmentListed()
        #expect(await waitUntil(seconds: 30) { archive.events == ["retire cam 1", "retire cam 3"] })
        #expect(await waitUntil(seconds: 30) { Self.files(root, "cam") == ["init.mp4", "index.m3u8", "seg4.m4s", "seg5.m4s"] })
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test("LiveServices: retention runs after the hub when an archive is given; the hub answers withdraw with nil until packagers rotate")
    func services() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = MemoryArchive(root: root, segments: [:])
        let live = LiveServices(
            configuration: LiveConfiguration(), root: root, rtmp: nil, registry: PrometheusCollectorRegistry(),
            logger: Self.logger, archive: archive)
        #expect(live.services.map { "\(type(of: $0))" } == ["LiveHubService", "RetentionService"])
        #expect(live.retention != nil)
        #expect(try await live.hub.withdraw(stream: "cam", through: 3) == nil)
        let none = LiveServices(
            configuration: LiveConfiguration(), root: root, rtmp: nil, registry: PrometheusCollectorRegistry(),
            logger: Self.logger)
        #expect(none.services.count == 1 && none.retention == nil)
    }
}
