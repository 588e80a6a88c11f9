import Foundation
import Logging
import NIOPosix
import Packager
import ServiceLifecycle

/// Removes the oldest media of the archive so that every stream, and the root, stays within its
/// retention limits (`LiveConfiguration.retention(for:)`, `retainTotalSize`; see `RetentionPlan`).
///
/// It runs one pass when it starts (the archive must be loaded by then), then one every
/// `interval` and one soon after each `segmentListed()`. One pass:
/// ```
/// plan (RetentionPlan)                       which segments go, per stream
/// for each stream with a cut:
///   1. withdraw (live streams)               out of index.m3u8; the open period playlist ends
///   2. remove the period playlists           those that list any retired segment
///   3. retire (durable)                      the archive forgets them for good
///   4. remove the segment files
/// ```
/// Crash-safe in that order: a playlist never lists a file that is gone, because every playlist
/// listing a segment is out of the way (1, 2) before its file goes (4); a crash before 3 leaves
/// the segments in the archive, to be retired by the next pass; a crash between 3 and 4 leaves
/// files that no playlist and no archive entry refers to, which `removeLeftovers` deletes at the
/// next start (the archive's `retiredThrough` says which numbers are gone). Init files stay.
///
/// All file work runs on a thread of its own (`fileThread`), never on the cooperative pool, and
/// every removal goes through the stream's `OutputDirectory`: a symbolic link is removed itself,
/// never followed, and a stream folder that is a link is left alone.
public struct RetentionService: Service {
    public let archive: any RetentionArchive
    public let live: any RetentionWithdrawing
    /// The canonical stream root: stream `name` is in `root + "/" + name`.
    public let root: String
    public let configuration: LiveConfiguration
    /// Time between passes when nothing asks for one sooner.
    public let interval: Duration
    let metrics: LiveMetrics
    let logger: Logger
    /// Milliseconds since the Unix epoch (the clock of `ArchiveSegment.date`); tests move it.
    let now: @Sendable () -> Int64
    private let requests: AsyncStream<Void>
    private let requestPass: AsyncStream<Void>.Continuation

    /// The least time between two passes. A pass reads every stream's index (a few
    /// microseconds each), and with hundreds of streams some stream lists a segment every few
    /// milliseconds: passes back to back would cost a core. A stream lists at most one segment
    /// in this time (segments are longer), so the disk stays within a limit plus one segment.
    static let minimumPassGap = Duration.milliseconds(500)

    /// Segment files removed per job on `fileThread`: between jobs, shutdown can stop a long
    /// first pass (what is left is removed at the next start).
    static let filesPerJob = 1000

    /// The thread retention's file work runs on: one, so that removing a million old segments
    /// never takes a thread from the streams' writes.
    static let fileThread: NIOThreadPool = {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        return thread
    }()

    public init(
        archive: any RetentionArchive, live: any RetentionWithdrawing, root: String, configuration: LiveConfiguration,
        metrics: LiveMetrics, logger: Logger, interval: Duration = .seconds(10),
        now: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    ) {
        self.archive = archive
        self.live = live
        self.root = root
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.interval = interval
        self.now = now
        (requests, requestPass) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass soon (a stream listed a new segment, so a limit may be exceeded now).
    /// Requests made while a pass runs are merged into one more pass.
    public func segmentListed() {
        requestPass.yield()
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.removeLeftovers() }
            group.addTask {
                while (try? await Task.sleep(for: interval)) != nil { requestPass.yield() }
            }
            var warned: Set<String> = []
            await pass(warned: &warned)
            for await _ in requests.cancelOnGracefulShutdown() {
                await pass(warned: &warned)
                // Requests meanwhile become one pass after the gap (see `minimumPassGap`).
                try? await Task.sleep(for: Self.minimumPassGap)
            }
            group.cancelAll()
        }
    }
}
