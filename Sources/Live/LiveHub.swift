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
public actor LiveHub: PublishHandler {
    public enum StreamState: Sendable, Equatable { case live, idle }

    /// Stream names become folder names: letters, digits, `.`, `_`, `-`; no leading dot.
    public static let maximumStreamNameLength = 64

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

    /// Where `FileSync.periodic`'s file-system syncs wait: a thread of their own, so that a
    /// sync held up by a slow disk never takes a file-write thread from the streams.
    static let syncThread: NIOThreadPool = {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        return thread
    }()

    public let root: String
    public let configuration: LiveConfiguration
    public let metrics: LiveMetrics
    private let logger: Logger
    private var entries: [String: Entry] = [:]
    /// The root, opened on first use; every stream folder is opened relative to it.
    private var rootDirectory: OutputDirectory?
    private var nextPublisher: UInt64 = 1
    private var shutDown = false
    /// Syncs the output file system every `syncInterval` while any stream has a packager
    /// (`FileSync.periodic`); nil when there is none.
    private var syncLoop: Task<Void, Never>?
    /// A stream ended (its last playlist written) since the current sync started: the loop
    /// must sync once more before it stops.
    private var endedSinceSyncStarted = false
    /// Streams whose end (`end(name:entry:)`) is under way: already out of `entries`, and
    /// their final playlist not yet written, so the sync loop must not stop.
    private var streamsEnding = 0
    private var syncFailureLogged = false

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

    public static func isValidStreamName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumStreamNameLength, !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    // MARK: PublishHandler

    public func publish(_ request: PublishRequest) async -> PublishDecision {
        let name = request.streamName
        guard !shutDown else { return .refuse(PublishRefusal(.badName, "the server is shutting down")) }
        guard Self.isValidStreamName(name) else {
            return .refuse(PublishRefusal(.badName, "stream name \"\(name.prefix(80))\" is not allowed (letters, digits, . _ -; at most \(Self.maximumStreamNameLength))"))
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
    private func openedRoot() throws(PackagerError) -> OutputDirectory {
        if let rootDirectory { return rootDirectory }
        let root = try OutputDirectory(path: self.root, fileSync: configuration.fileSync)
        rootDirectory = root
        return root
    }

    /// The folder of stream `name` (the one already `opened`, or a new one under the root), when
    /// it holds no symbolic link: nothing is ever written through one (see `OutputDirectory`),
    /// and a publisher is told so now rather than having its media dropped segment by segment.
    private func checkedDirectory(of name: String, opened: OutputDirectory?) throws(PackagerError) -> OutputDirectory {
        let directory: OutputDirectory
        if let opened {
            directory = opened
        } else {
            directory = try openedRoot().subdirectory(name)
        }
        if let link = try directory.symbolicLinks().sorted().first {
            throw PackagerError(.symbolicLink, "'\(directory.filePath(link))' is a symbolic link; hlsseg never writes through links (remove it)")
        }
        return directory
    }

    /// Feeds one publisher's events to the stream's packager, a batch at a time (see
    /// `LiveMediaQueue` for when it wakes), and records the publish latencies.
    private nonisolated func pump(name: String, queue: LiveMediaQueue, logger: Logger) async {
        var packager: StreamPackager?
        var videoTracks: Set<UInt32> = []
        var lastKeyframeArrival: ContinuousClock.Instant?
        var wake = LiveMediaQueue.Wake.everyEvent
        var health = StreamWriteHealth()
        var failures = 0
        func failed(_ error: any Error) {
            failures += 1
            if failures <= 3 { logger.warning("live \(name): \(error)") }
        }
        func observe(_ report: StreamPackager.WriteReport) {
            if !report.losses.isEmpty {
                metrics.framesLost.increment(by: Int64(report.losses.frames))
                metrics.mediaSecondsLost.increment(by: report.losses.seconds)
            }
            for event in health.observe(report) {
                switch event {
                case .failing(let error):
                    logger.warning("live \(name): writing failed (\(error)); media is lost until writes succeed again")
                case .recovered(let lost):
                    logger.warning("live \(name): writes recovered; \(Self.describe(lost)) lost while they failed")
                }
            }
        }
        while let batch = await queue.next(wake: wake) {
            var start = batch.startIndex
            while start < batch.endIndex {
                if case .tracks(let tracks) = batch[start].event {
                    videoTracks = Set(tracks.filter(\.format.isVideo).map(\.id))
                    do {
                        if let current = packager {
                            try await current.beginDiscontinuity(tracks: tracks)  // codec change mid-publish
                        } else {
                            packager = try await self.packager(for: name, tracks: tracks)
                        }
                    } catch {
                        failed(error)
                    }
                    start += 1
                    continue
                }
                // The packets up to the next tracks event; their arrivals are read from `batch` by
                // index below, since copying whole items costs a reference count round trip each.
                let runStart = start
                var packets: [MediaPacket] = []
                while start < batch.endIndex, case .packet(let packet) = batch[start].event {
                    packets.append(packet)
                    start += 1
                }
                metrics.framesReceived.increment(by: Int64(packets.count))
                guard let packager else { continue }
                let report: StreamPackager.WriteReport
                do {
                    report = try await packager.write(contentsOf: packets)
                } catch {
                    failed(error)
                    continue
                }
                observe(report)
                var completions = report.completions[...]
                for offset in packets.indices {
                    let arrival = batch[runStart + offset].arrival
                    if packets[offset].isKeyframe, videoTracks.contains(packets[offset].trackID) {
                        lastKeyframeArrival = arrival
                    }
                    guard let completion = completions.first, completion.packet == offset else { continue }
                    completions.removeFirst()
                    metrics.publishFromCompletingPacket.record(completion.listedAt - arrival)
                    if let lastKeyframeArrival { metrics.publishFromKeyframe.record(completion.listedAt - lastKeyframeArrival) }
                }
                wake = report.isClosingSegment ? .everyEvent : .batched
            }
        }
    }

    /// "3 segments (6.0 s, 180 frames)".
    static func describe(_ losses: StreamPackager.Losses) -> String {
        "\(losses.segments) segment\(losses.segments == 1 ? "" : "s") (\(String(format: "%.1f", losses.seconds)) s, \(losses.frames) frames)"
    }

    /// The stream's packager: a new one, or the existing one continued after a discontinuity.
    private func packager(for name: String, tracks: [Track]) async throws -> StreamPackager {
        if let existing = entries[name]?.packager {
            try await existing.beginDiscontinuity(tracks: tracks)
            logger.info("live \(name): continuing after a discontinuity")
            return existing
        }
        let directory = try entries[name]?.directory ?? checkedDirectory(of: name, opened: nil)
        let packager = StreamPackager(
            tracks: tracks, directory: directory, configuration: configuration.packager(for: name),
            logger: Logger(label: "hlsseg.live.\(name)"), fileIO: Self.fileIO)
        entries[name, default: Entry()].packager = packager
        startSyncing()
        return packager
    }

    // MARK: Periodic sync

    /// Whether the periodic sync loop is running (for tests: it must stop when no stream is left).
    var isSyncing: Bool { syncLoop != nil }

    private func startSyncing() {
        guard configuration.fileSync == .periodic, syncLoop == nil, !shutDown else { return }
        syncLoop = Task { await self.syncWhileStreamsExist() }
    }

    /// One sync per interval; once no stream is left and the last one's final playlist is
    /// covered by a sync, the loop stops until a stream starts again. Cancelled by
    /// `finishAll`, which syncs itself.
    private func syncWhileStreamsExist() async {
        while true {
            do { try await Task.sleep(for: configuration.syncInterval) } catch { break }
            endedSinceSyncStarted = false
            await syncOutput()
            if entries.isEmpty, streamsEnding == 0, !endedSinceSyncStarted { break }
        }
        syncLoop = nil
    }

    /// Makes everything written under the root durable (`OutputDirectory.syncFileSystem(containing:)`).
    private func syncOutput() async {
        do {
            let started = ContinuousClock.now
            let startedOnTheWallClock = Date().timeIntervalSince1970
            // Not `runIfActive`: that gives up when the task is cancelled, and `finishAll`
            // cancels the loop while a sync may be under way; a sync is never abandoned.
            let result = await withCheckedContinuation { (done: CheckedContinuation<Result<Void, PackagerError>, Never>) in
                Self.syncThread.submit { [root] _ in
                    done.resume(returning: Result { () throws(PackagerError) in try OutputDirectory.syncFileSystem(containing: root) })
                }
            }
            try result.get()
            metrics.fileSystemSync.record(ContinuousClock.now - started)
            metrics.fileSystemSyncedThrough.set(to: startedOnTheWallClock)
            syncFailureLogged = false
        } catch {
            metrics.fileSystemSyncFailures.increment()
            // Once per run of failures: a broken disk would otherwise log every second.
            if !syncFailureLogged { logger.error("live: \(error); written files may not survive a power cut") }
            syncFailureLogged = true
        }
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
    private func idleTimer(name: String) -> Task<Void, Never> {
        let timeout = configuration.idleTimeout
        return Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            await self.expire(name: name)
        }
    }

    // MARK: Streams a previous run left open

    /// Streams under the root whose playlist a previous run of the server left open (it was
    /// killed, crashed or lost power while they were published): each is treated as a stream
    /// whose publisher just went. A publisher that comes back within the idle timeout continues
    /// it; otherwise it is ended like any idle stream (`EXT-X-ENDLIST`), so that it does not
    /// stay "live" for ever. Called once when the server starts (`LiveHubService`).
    public func adoptStreamsLeftOpen() {
        let names: [String]
        do {
            names = try openedRoot().fileNames().filter(Self.isValidStreamName).sorted()
        } catch {
            logger.warning("live: cannot look for streams a previous run left open: \(error)")
            return
        }
        for name in names where entries[name] == nil {
            do {
                let directory = try checkedDirectory(of: name, opened: nil)
                guard
                    let leftOpen = try StreamPackager.playlistLeftOpen(
                        in: directory, configuration: configuration.packager(for: name))
                else { continue }
                entries[name] = Entry(directory: directory, playlistLeftOpen: leftOpen, idleTimer: idleTimer(name: name))
                logger.info("live \(name): left open by a previous run; ending the playlist in \(configuration.idleTimeout) unless its publisher comes back")
            } catch {
                logger.warning("live \(name): left as it is: \(error)")
            }
        }
    }

    /// Ends the playlist of a stream left open whose publisher did not come back.
    private func endLeftOpen(name: String, entry: Entry) {
        guard let leftOpen = entry.playlistLeftOpen, let directory = entry.directory else { return }
        do {
            if try StreamPackager.endPlaylistLeftOpen(leftOpen, in: directory, configuration: configuration.packager(for: name)) {
                endedSinceSyncStarted = true
                logger.info("live \(name): ended the playlist a previous run left open")
            } else {
                logger.info("live \(name): the playlist a previous run left open changed since (another writer); left as it is")
            }
        } catch {
            logger.warning("live \(name): could not end the playlist a previous run left open: \(error)")
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
