import Foundation
import Packager
import Synchronization
import Testing

/// A packager given threads of its own for its file writes (`BlockingFileIO`), as the live
/// server does: the same files as inline, errors still reach the caller, and a second caller
/// cannot slip in while a segment is being written.
@Suite("StreamPackager with BlockingFileIO")
struct BlockingFileIOTests {
    /// Runs each job on a new thread and counts them; `gate` (when set) holds every job until
    /// it is opened.
    final class Threads: Sendable {
        let jobs = Atomic(0)
        let gate: Mutex<[@Sendable () -> Void]?>

        init(held: Bool = false) { gate = Mutex(held ? [] : nil) }

        var io: BlockingFileIO {
            BlockingFileIO { job in
                self.jobs.add(1, ordering: .relaxed)
                let run: @Sendable () -> Void = { Thread.detachNewThread { job() } }
                let now = self.gate.withLock { waiting -> Bool in
                    guard waiting != nil else { return true }
                    waiting!.append(run)
                    return false
                }
                if now { run() }
            }
        }

        func open() {
            let waiting = gate.withLock { waiting -> [@Sendable () -> Void] in
                defer { waiting = nil }
                return waiting ?? []
            }
            for run in waiting { run() }
        }
    }

    static func configuration() throws -> PackagerConfiguration {
        PackagerConfiguration(hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"))
    }

    static func write(seconds: Int, to directory: OutputDirectory, io: BlockingFileIO) async throws -> StreamPackager.Summary {
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: try configuration(),
            logger: SyntheticStream.logger, wallClock: { 1_790_000_000_000 }, fileIO: io)
        for index in 0..<(seconds * 48_000 / 1024) { try await packager.write(SyntheticStream.audioPacket(index)) }
        return try await packager.finish()
    }

    @Test func sameFilesAsInlineWithOneJobPerSegment() async throws {
        let inline = try SyntheticStream.temporaryDirectory("io-inline")
        let threaded = try SyntheticStream.temporaryDirectory("io-threads")
        let threads = Threads()
        let expected = try await Self.write(seconds: 4, to: inline, io: .inline)
        let summary = try await Self.write(seconds: 4, to: threaded, io: threads.io)
        #expect(summary.segmentCount == expected.segmentCount)
        let names = try SyntheticStream.files(inline)
        #expect(try SyntheticStream.files(threaded) == names)
        for name in names {
            #expect(try threaded.read(name) == inline.read(name), "\(name)")
        }
        // One job per segment (its file, then the playlist listing it), and the final playlist.
        #expect(threads.jobs.load(ordering: .relaxed) == summary.segmentCount + 1)
    }

    /// Live: each next segment's file is made ahead of time on the `prepare` threads, and the
    /// files are the same as without.
    @Test func nextSegmentFilesAreMadeAheadOfTime() async throws {
        let inline = try SyntheticStream.temporaryDirectory("io-prepare-inline")
        let prepared = try SyntheticStream.temporaryDirectory("io-prepare")
        let preparations = Atomic(0)
        let io = BlockingFileIO(
            submit: { job in Thread.detachNewThread { job() } },
            prepare: { job in
                preparations.add(1, ordering: .relaxed)
                job()
            })
        let expected = try await Self.write(seconds: 4, to: inline, io: .inline)
        let summary = try await Self.write(seconds: 4, to: prepared, io: io)
        let names = try SyntheticStream.files(inline)
        #expect(try SyntheticStream.files(prepared) == names, "no file left without its name or with a temporary one")
        for name in names {
            #expect(try prepared.read(name) == inline.read(name), "\(name)")
        }
        // One for every segment after the first (none after the last), and one closing at the
        // end what no segment used.
        #expect(preparations.load(ordering: .relaxed) == summary.segmentCount)
    }

    @Test func aFailedWriteReachesTheCaller() async throws {
        let directory = try SyntheticStream.temporaryDirectory("io-fails")
        let threads = Threads()
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: try Self.configuration(),
            logger: SyntheticStream.logger, fileIO: threads.io)
        // A folder where the first segment's file must go: its write fails.
        try FileManager.default.createDirectory(atPath: directory.filePath("seg0.m4s"), withIntermediateDirectories: false)
        await #expect(throws: PackagerError.self) {
            for index in 0..<(3 * 48_000 / 1024) { try await packager.write(SyntheticStream.audioPacket(index)) }
        }
    }

    @Test func aSecondCallerWhileASegmentIsWrittenIsRefused() async throws {
        let directory = try SyntheticStream.temporaryDirectory("io-one-caller")
        let threads = Threads(held: true)
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: try Self.configuration(),
            logger: SyntheticStream.logger, fileIO: threads.io)
        // 1 s of audio, then the frame that completes the first segment: its write is held.
        for index in 0..<47 { try await packager.write(SyntheticStream.audioPacket(index)) }
        let first = Task { try await packager.write(SyntheticStream.audioPacket(47)) }
        while threads.jobs.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: PackagerError.self) { try await packager.write(SyntheticStream.audioPacket(48)) }
        threads.open()
        try await first.value
        #expect(try SyntheticStream.readPlaylist(directory).segments.count == 1)
    }
}
