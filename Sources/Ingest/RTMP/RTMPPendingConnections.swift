import Logging
import NIOCore
import Synchronization

/// The connections of one RTMP server that have not had a publish accepted ("pending"): how
/// many there are against `RTMPServerLimits.maximumPendingConnections`, the buffer budget they
/// share, and the refusals when either runs out (reported to the observer, and logged at most
/// once a second with a count, so that a flood of connections does not flood the log).
///
/// The count is taken when a connection is accepted and given back when its publish is
/// accepted or it closes, whichever comes first: a connection counts until it has passed the
/// `PublishHandler`'s check.
final class RTMPPendingConnections: Sendable {
    let limits: RTMPServerLimits
    let budget: RTMPBufferBudget
    private let count = Atomic<Int>(0)
    private let observer: (any RTMPServerObserver)?
    private let logger: Logger
    private let refusals = Mutex(Refusals())

    /// Refusals not logged yet, by reason; a flush is scheduled while there are any.
    private struct Refusals {
        var counts: [RTMPRefusalReason: Int] = [:]
        var flushScheduled = false
        var lastFlush: NIODeadline?
    }

    /// Warnings about refusals are at least this far apart.
    static let refusalLogInterval = TimeAmount.seconds(1)

    init(limits: RTMPServerLimits, observer: (any RTMPServerObserver)?, logger: Logger) {
        self.limits = limits
        self.budget = RTMPBufferBudget(capacity: limits.pendingBufferBudget)
        self.observer = observer
        self.logger = logger
    }

    /// Connections pending now.
    var current: Int { count.load(ordering: .relaxed) }

    /// Counts a newly accepted connection; false (not counted) when the cap is reached.
    func admit() -> Bool {
        guard count.wrappingAdd(1, ordering: .relaxed).newValue <= limits.maximumPendingConnections else {
            count.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        observer?.rtmpPendingConnectionsChanged(by: 1)
        return true
    }

    /// A counted connection had its publish accepted or closed.
    func leave() {
        count.wrappingSubtract(1, ordering: .relaxed)
        observer?.rtmpPendingConnectionsChanged(by: -1)
    }

    /// A connection is turned away for `reason`: counted at once, logged within a second.
    func refused(_ reason: RTMPRefusalReason, on eventLoop: any EventLoop) {
        observer?.rtmpConnectionRefused(reason)
        let flushIn: TimeAmount? = refusals.withLock { refusals in
            refusals.counts[reason, default: 0] += 1
            guard !refusals.flushScheduled else { return nil }
            refusals.flushScheduled = true
            guard let last = refusals.lastFlush else { return .zero }
            return max(.zero, last + Self.refusalLogInterval - .now())
        }
        guard let flushIn else { return }
        eventLoop.scheduleTask(in: flushIn) { self.flushRefusals() }
    }

    private func flushRefusals() {
        let counts = refusals.withLock { refusals in
            defer { refusals = Refusals(lastFlush: .now()) }
            return refusals.counts
        }
        for reason in RTMPRefusalReason.allCases {
            guard let refused = counts[reason] else { continue }
            let connections = refused == 1 ? "1 connection" : "\(refused) connections"
            switch reason {
            case .pendingLimit:
                logger.warning(
                    "rtmp: refused \(connections): \(limits.maximumPendingConnections) connections are waiting to publish, the limit (--rtmp-max-pending-connections)",
                    metadata: ["code": "\(IngestError.Code.serverBusy)", "reason": "\(reason.rawValue)"])
            case .bufferBudget:
                logger.warning(
                    "rtmp: closed \(connections) before publishing: the \(limits.pendingBufferBudget) bytes that connections waiting to publish may hold together are in use (--rtmp-pending-buffer-budget)",
                    metadata: ["code": "\(IngestError.Code.serverBusy)", "reason": "\(reason.rawValue)"])
            }
        }
    }
}
