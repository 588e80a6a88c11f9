import Logging
import Packager
import ServiceLifecycle

extension RetentionService {
    /// One pass: plans the cuts of every stream, carries each out in the crash-safe order, and
    /// sets the streams' `hlsseg_archive_bytes`. `warned`: streams whose folder could not be
    /// opened and was logged once already.
    func pass(warned: inout Set<String>) async {
        let streams = archive.streams().map { name in
            RetentionPlan.Stream(name: name, segments: archive.segments(of: name), limits: configuration.retention(for: name))
        }
        let plan = RetentionPlan(streams: streams, totalSize: configuration.retainTotalSize, now: now())
        let segmentsByStream = Dictionary(streams.map { ($0.name, $0.segments) }, uniquingKeysWith: { first, _ in first })
        for cut in plan.cuts {
            guard !Task.isShuttingDownGracefully, !Task.isCancelled, let segments = segmentsByStream[cut.stream] else { break }
            do {
                try await carryOut(cut, segments: segments)
                warned.remove(cut.stream)
            } catch {
                // Left for the next pass, which plans the same cut again (or a longer one).
                if warned.insert(cut.stream).inserted { logger.warning("retention \(cut.stream): \(error); trying again") }
            }
        }
        for name in archive.streams() {
            metrics.archiveBytes(of: name).set(to: Double(archive.segments(of: name).totalSize))
        }
    }

    /// Retires `cut` of its stream: steps 1 to 4 of a pass (see `RetentionService`). Throws when
    /// a step before the archive forgets the segments fails; they stay for the next pass.
    func carryOut(_ cut: RetentionPlan.Cut, segments: any RetainedSegments) async throws {
        let stream = cut.stream
        let directory = try await onFileThread { try streamDirectory(stream) }
        // 1. Out of the live playlists (live streams); the period playlists listing any of them
        // come back. Each retired segment also names its own period playlist: for a stream that
        // is not live that is the whole answer, and for a live one it covers a pass that
        // withdrew before and failed after.
        var playlists = Set(try await live.withdraw(stream: stream, through: cut.sequenceNumber) ?? [])
        var previous = ""
        for position in 0..<cut.count where segments[position].playlist != previous {
            previous = segments[position].playlist  // runs of one period: one insertion each
            if !previous.isEmpty { playlists.insert(previous) }
        }
        // 2. Every playlist that lists a retired segment goes, so none lists a missing file.
        if let directory, !playlists.isEmpty {
            let names = playlists.sorted()
            try await onFileThread {
                for playlist in names { try directory.remove(playlist) }
            }
        }
        // 3. The archive forgets them, durably.
        try await onFileThread { try archive.retire(stream: stream, through: cut.sequenceNumber) }
        let removed = metrics.archiveRemoved(from: stream)
        removed.bytes.increment(by: Double(cut.bytes))
        removed.segments.increment(by: Int64(cut.count))
        logger.debug(
            "retention \(stream): retired \(cut.count) segments (\(ByteSize.describe(cut.bytes))) through \(cut.sequenceNumber), \(playlists.count) period playlists"
        )
        // 4. Their files; a crash or shutdown before the last leaves them to `removeLeftovers`.
        guard let directory else { return }
        var start = 0
        while start < cut.count, !Task.isShuttingDownGracefully, !Task.isCancelled {
            let positions = start..<min(start + Self.filesPerJob, cut.count)
            let failures = try await onFileThread { () -> [String] in
                var failures: [String] = []
                for position in positions {
                    do { try directory.remove(segments[position].uri) } catch { failures.append("\(error)") }
                }
                return failures
            }
            if let first = failures.first {
                logger.warning("retention \(stream): \(failures.count) segment files could not be removed, e.g. \(first)")
            }
            start = positions.upperBound
        }
    }

    /// The folder of `stream`, nil when there is none (nothing on disk to remove). A folder that
    /// is a symbolic link is refused (`OutputDirectory.subdirectory`).
    func streamDirectory(_ stream: String) throws(PackagerError) -> OutputDirectory? {
        let root = try OutputDirectory(path: root, fileSync: configuration.fileSync)
        guard root.fileExists(stream) else { return nil }
        return try root.subdirectory(stream)
    }

    /// Runs `body` on `fileThread`. Never abandoned once submitted: a removal or `retire` that
    /// has started is waited for, so the pass knows how far it got.
    func onFileThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Self.fileThread.submit { _ in continuation.resume(with: Swift.Result { try body() }) }
        }
    }
}
