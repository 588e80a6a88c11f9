import Foundation
import Ingest
import Logging
import NIOPosix
import Packager
import Prometheus
import Segmenter

/// Every live stream of the server: publishers (RTMP, WebSocket, pulled URLs) in, one
/// `StreamPackager` per stream out, into `<root>/<stream>/`.
///
/// Lifecycle of one stream name:
/// ```
///            publish ok                  publisher gone               idle timeout
///  (none) ────────────▶ live ──────────────────────────────▶ idle ───────────────▶ (none): ENDLIST
///                        ▲  second publisher: refused         │
///                        └────────── publish again ───────────┘  (discontinuity, same playlist)
/// ```
///
/// State, admission and the lifecycle are here; the pump from a publisher's queue to the
/// packager is in `LiveHub+Pump.swift`, the periodic file-system sync in `LiveHub+Sync.swift`,
/// and the streams a previous run left open in `LiveHub+LeftOpen.swift`.
public actor LiveHub: PublishHandler {
    public enum StreamState: Sendable, Equatable { case live, idle }

    struct Entry {
        /// The stream's folder, opened when its publisher was accepted (see `OutputDirectory`).
        var directory: OutputDirectory?
        var packager: StreamPackager?
        /// The playlist a previous run of the server left open, as it was read at start
        /// (`adoptStreamsLeftOpen`); nil once a publisher comes back, or for other streams.
        var playlistLeftOpen: [UInt8]?
        var publisher: UInt64?
        /// The current (or last) publisher's queue: once it is finished, the publisher has gone
        /// and only its last media is still being packaged.
        var queue: LiveMediaQueue?
        /// The task feeding the packager from the current (or last) publisher.
        var pump: Task<Void, Never>?
        var idleTimer: Task<Void, Never>?
    }

    /// Threads for the packagers' segment and playlist writes (see `BlockingFileIO`): more than
    /// the cores, so that several streams' `fsync`s overlap and none holds up the cooperative
    /// pool. One set for the process (tests start many hubs); never shut down.
    /// Each segment's file is made ahead of time on two more (see `PreparedFile`).
    static let fileIO: BlockingFileIO = {
        let threads = NIOThreadPool(numberOfThreads: 8)
        threads.start()
        let preparing = NIOThreadPool(numberOfThreads: 2)
        preparing.start()
        return BlockingFileIO(
            submit: { job in threads.submit { _ in job() } }, prepare: { job in preparing.submit { _ in job() } })
    }()

    public let root: String
    public let configuration: LiveConfiguration
    public let metrics: LiveMetrics
    let logger: Logger
    var entries: [String: Entry] = [:]
    /// The root, opened on first use; every stream folder is opened relative to it.
    private var rootDirectory: OutputDirectory?
    private var nextPublisher: UInt64 = 1
    private(set) var shutDown = false
    /// Syncs the output file system every `syncInterval` while any stream has a packager
    /// (`FileSync.periodic`); nil when there is none.
    var syncLoop: Task<Void, Never>?
    /// A stream ended (its last playlist written) since the current sync started: the loop
    /// must sync once more before it stops.
    var endedSinceSyncStarted = false
    /// Streams whose end (`end(name:entry:)`) is under way: already out of `entries`, and
    /// their final playlist not yet written, so the sync loop must not stop.
    private(set) var streamsEnding = 0
    var syncFailureLogged = false
    /// Told whenever a stream lists a segment (retention checks its limits then).
    public nonisolated let segmentListed = SegmentListedSignal()

    public init(
        root: String, configuration: LiveConfiguration, logger: Logger,
        metrics: LiveMetrics = LiveMetrics(registry: PrometheusCollectorRegistry())
    ) {
        self.root = root
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// The state of stream `name`, nil when it is not known (never published, or ended).
    public func state(of name: String) -> StreamState? {
        guard let entry = entries[name] else { return nil }
        return entry.publisher == nil ? .idle : .live
    }

    // MARK: PublishHandler

    public func publish(_ request: PublishRequest) async -> PublishDecision {
        let name = request.streamName
        guard !shutDown else { return .refuse(PublishRefusal(.badName, "the server is shutting down")) }
        if let reason = StreamName.refusalReason(name) {
            return .refuse(PublishRefusal(.badName, reason))
        }
        let tokens = configuration.tokens(for: name)
        if !tokens.isEmpty, !request.trusted {
            guard let token = request.token else {
                return .refuse(PublishRefusal(.unauthorized, "publishing \(name) needs a token (?token=… or Authorization: Bearer …)"))
            }
            guard tokens.contains(token) else {
                return .refuse(PublishRefusal(.unauthorized, "wrong publish token for \(name)"))
            }
        }
        var entry = entries[name] ?? Entry()
        // A publisher that has gone while its last media is still being packaged does not hold
        // the name: one that reconnects at once is taken, and continues after that media.
        guard entry.publisher == nil || entry.queue?.isFinished == true else {
            return .refuse(PublishRefusal(.alreadyPublishing, "\(name) is already being published"))
        }
        do {
            entry.directory = try checkedDirectory(of: name, opened: entry.directory)
        } catch {
            return .refuse(PublishRefusal(.outputRefused, "cannot write \(name): \(error)"))
        }
        let id = nextPublisher
        nextPublisher += 1
        entry.publisher = id
        entry.idleTimer?.cancel()
        entry.idleTimer = nil
        entry.playlistLeftOpen = nil
        let queue = LiveMediaQueue()
        entry.queue = queue
        let previous = entry.pump
        entry.pump = Task { [logger] in
            await previous?.value
            await self.pump(name: name, queue: queue, logger: logger)
            self.publisherEnded(name: name, publisher: id, reason: queue.endReason)
        }
        entries[name] = entry
        logger.info("live \(name): publisher \(request.remoteAddress) started")
        return .accept(queue)
    }

    /// The root, opened on first use.
    func openedRoot() throws(PackagerError) -> OutputDirectory {
        if let rootDirectory { return rootDirectory }
        let root = try OutputDirectory(path: self.root, fileSync: configuration.fileSync)
        rootDirectory = root
        return root
    }

    /// The folder of stream `name` (the one already `opened`, or a new one under the root), when
    /// it holds no symbolic link: nothing is ever written through one (see `OutputDirectory`),
    /// and a publisher is told so now rather than having its media dropped segment by segment.
    func checkedDirectory(of name: String, opened: OutputDirectory?) throws(PackagerError) -> OutputDirectory {
        let directory: OutputDirectory
        if let opened {
            directory = opened
        } else {
            directory = try openedRoot().subdirectory(name)
        }
        if let link = try directory.symbolicLinks().sorted().first {
            throw PackagerError(
                .symbolicLink, "'\(directory.filePath(link))' is a symbolic link; hlsseg never writes through links (remove it)")
        }
        return directory
    }

    private func publisherEnded(name: String, publisher: UInt64, reason: String?) {
        guard var entry = entries[name], entry.publisher == publisher else {
            // A new publisher took over while this one's last media was packaged.
            if let reason { logger.warning("live \(name): publisher gone: \(reason)") }
            return
        }
        entry.publisher = nil
        let ending = "ending the playlist in \(configuration.idleTimeout) unless it comes back"
        if let reason {
            logger.warning("live \(name): publisher gone: \(reason); \(ending)")
        } else {
            logger.info("live \(name): publisher gone; \(ending)")
        }
        entry.idleTimer = idleTimer(name: name)
        entries[name] = entry
    }

    /// Ends stream `name` after the idle timeout, unless a publisher comes first.
    func idleTimer(name: String) -> Task<Void, Never> {
        let timeout = configuration.idleTimeout
        return Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            await self.expire(name: name)
        }
    }

    private func expire(name: String) async {
        guard let entry = entries[name], entry.publisher == nil else { return }
        entries[name] = nil
        await end(name: name, entry: entry)
    }

    private func end(name: String, entry: Entry) async {
        streamsEnding += 1
        defer { streamsEnding -= 1 }
        entry.idleTimer?.cancel()
        guard let packager = entry.packager else { return endLeftOpen(name: name, entry: entry) }
        do {
            let summary = try await packager.finish()
            endedSinceSyncStarted = true
            startSyncing()  // the final playlist is synced too, even when it came after the loop stopped
            metrics.framesSegmented.increment(by: Int64(summary.sampleCount))
            metrics.framesDropped.increment(by: Int64(summary.droppedLeadingFrames))
            metrics.framesLost.increment(by: Int64(summary.unreportedLosses.frames))
            metrics.mediaSecondsLost.increment(by: summary.unreportedLosses.seconds)
            let lost = summary.losses.isEmpty ? "" : "; \(Self.describe(summary.losses)) could not be written and were lost"
            logger.info("live \(name): ended, \(summary.segmentCount) segments, \(String(format: "%.1f", summary.duration)) s\(lost)")
        } catch {
            logger.warning("live \(name): could not end the playlist: \(error)")
        }
    }

    /// Server shutdown: every stream ends now (ENDLIST), after its queued media is written.
    public func finishAll() async {
        shutDown = true
        let hadStreams = !entries.isEmpty
        for name in entries.keys.sorted() {
            entries[name]?.idleTimer?.cancel()
            // The entry stays while its pump drains: a pump that has not made the stream's
            // packager yet makes it there.
            await entries[name]?.pump?.value
            guard let entry = entries.removeValue(forKey: name) else { continue }  // ended meanwhile
            await end(name: name, entry: entry)
        }
        // Every playlist has its ENDLIST: make it all durable before the process exits. Also
        // when the streams had ended before: a running loop may not have synced the last one.
        let loopWasRunning = syncLoop != nil
        if let syncLoop {
            syncLoop.cancel()
            await syncLoop.value
        }
        if configuration.fileSync == .periodic, hadStreams || loopWasRunning { await syncOutput() }
    }
}
