import NIOPosix

/// Threads of their own for the live streams' packaging: each stream's pump task prefers this
/// executor, and so do the `StreamPackager` actors it calls (a default actor runs on its
/// caller's preferred task executor).
///
/// A segment's publication blocks its thread: `writev`, `fsync` of the segment, of the
/// playlist and of the folder, two renames. On Swift's global pool (one thread per core, two
/// on our bench machine) two streams waiting in `fsync` at once held up every other stream's
/// keyframe → playlist latency, although the CPUs were not busy. More threads than cores let
/// the waits overlap; the CPU work is the same.
final class LiveWriteExecutor: TaskExecutor {
    /// One for the whole process: the threads live as long as it does (tests start many hubs).
    static let shared = LiveWriteExecutor(threads: 8)

    private let pool: NIOThreadPool

    private init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // The pool is never shut down, so every job runs.
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
