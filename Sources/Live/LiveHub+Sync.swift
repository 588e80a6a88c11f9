import Foundation
import NIOPosix
import Packager

extension LiveHub {
    /// Where `FileSync.periodic`'s file-system syncs wait: a thread of their own, so that a
    /// sync held up by a slow disk never takes a file-write thread from the streams.
    static let syncThread: NIOThreadPool = {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        return thread
    }()

    /// Whether the periodic sync loop is running (for tests: it must stop when no stream is left).
    var isSyncing: Bool { syncLoop != nil }

    func startSyncing() {
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
    func syncOutput() async {
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
}
