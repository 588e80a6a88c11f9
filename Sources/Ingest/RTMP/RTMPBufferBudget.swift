import Synchronization

/// Bytes that connections waiting to publish may hold in unfinished messages, all together
/// (`RTMPServerLimits.pendingBufferBudget`). Each such connection holds a `Share`; a connection
/// whose share cannot grow is closed (`IngestError.Code.serverBusy`).
///
/// Shares change once per read of a pending connection, never for a publishing one: the
/// publishers' hot path does not touch the shared counter.
public final class RTMPBufferBudget: Sendable {
    public let capacity: Int
    private let used = Atomic<Int>(0)

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes the shares hold now.
    public var bytesInUse: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes` if they fit; false (and nothing taken) when they do not.
    func take(_ bytes: Int) -> Bool {
        guard used.wrappingAdd(bytes, ordering: .relaxed).newValue > capacity else { return true }
        used.wrappingSubtract(bytes, ordering: .relaxed)
        return false
    }

    func giveBack(_ bytes: Int) {
        used.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// One connection's part of the budget. It is used by that connection alone (on its event
    /// loop); the counter is atomic only so that the share is `Sendable` with the session that
    /// holds it. Dropping the share gives back all it held: a connection that ends, for any
    /// reason, cannot leak budget.
    final class Share: Sendable {
        let budget: RTMPBufferBudget
        private let held = Atomic<Int>(0)

        init(of budget: RTMPBufferBudget) {
            self.budget = budget
        }

        /// Holds `bytes` in all, taking or giving back the difference; false (and the share
        /// unchanged) when the budget cannot cover the growth.
        func hold(_ bytes: Int) -> Bool {
            let before = held.load(ordering: .relaxed)
            if bytes > before {
                guard budget.take(bytes - before) else { return false }
            } else if bytes < before {
                budget.giveBack(before - bytes)
            } else {
                return true
            }
            held.store(bytes, ordering: .relaxed)
            return true
        }

        deinit {
            budget.giveBack(held.load(ordering: .relaxed))
        }
    }
}
