import Synchronization

@testable import Ingest

/// Accepts every publish into a new queue with the given limits, for tests that consume the
/// queue themselves. With `open: false` it holds every decision until `open()` is called.
final class QueueingPublishHandler: PublishHandler {
    let limits: LiveMediaQueue.Limits
    private let accepted = Mutex<LiveMediaQueue?>(nil)
    private let gate: Mutex<Bool>

    init(limits: LiveMediaQueue.Limits, open: Bool = true) {
        self.limits = limits
        gate = Mutex(open)
    }

    func publish(_ request: PublishRequest) async -> PublishDecision {
        while !gate.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        let queue = LiveMediaQueue(limits: limits)
        accepted.withLock { $0 = queue }
        return .accept(queue)
    }

    func open() { gate.withLock { $0 = true } }

    /// The queue of the last accepted publish.
    var queue: LiveMediaQueue? { accepted.withLock { $0 } }
}
