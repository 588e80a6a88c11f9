import Foundation
import Testing

@testable import HTTPServe

/// A default actor like `StreamPackager`: where its methods run is what the executor decides.
private actor Stand {
    func threadName() -> String {
        let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
        return name?.trimmingCharacters(in: .newlines) ?? "?"
    }

    /// Blocks its thread, as `fsync` does.
    func block(on semaphore: DispatchSemaphore) {
        semaphore.wait()
    }
}

@Suite("Live write executor")
struct LiveWriteExecutorTests {
    @Test("a default actor called from a task that prefers the executor runs on the executor's threads")
    func actorsRunOnItsThreads() async {
        let stand = Stand()
        let inside = await Task(executorPreference: LiveWriteExecutor.shared) { await stand.threadName() }.value
        let outside = await Task.detached { await stand.threadName() }.value
        #expect(inside.hasPrefix("TP-#"), "ran on \(inside)")
        #expect(!outside.hasPrefix("TP-#"), "ran on \(outside)")
    }

    /// Four streams blocked in a write at once (more than Swift's global pool has threads on
    /// a 2-core machine): a fifth stream still runs, and it is what releases them.
    @Test("streams blocked in a write do not hold up another stream", .timeLimit(.minutes(1)))
    func blockedWritesDoNotStall() async {
        let release = DispatchSemaphore(value: 0)
        let blocked = (0..<4).map { _ in
            let stand = Stand()
            return Task(executorPreference: LiveWriteExecutor.shared) { await stand.block(on: release) }
        }
        let other = Stand()
        _ = await Task(executorPreference: LiveWriteExecutor.shared) { await other.threadName() }.value
        for _ in blocked { release.signal() }
        for task in blocked { await task.value }
    }
}
