/// What an RTMP server reports about its limits, for metrics (`LiveMetrics` in `hlsseg serve`).
/// Called from the server's event loops: implementations must be cheap and thread-safe.
public protocol RTMPServerObserver: Sendable {
    /// A connection was turned away before publishing because a limit all connections share
    /// was reached.
    func rtmpConnectionRefused(_ reason: RTMPRefusalReason)
    /// The number of connections that have not had a publish accepted changed by `delta`
    /// (+1 when one is accepted, -1 when its publish is accepted or it closes).
    func rtmpPendingConnectionsChanged(by delta: Int)
}

/// Why a connection was turned away before publishing (a metric label).
public enum RTMPRefusalReason: String, Sendable, CaseIterable {
    /// `RTMPServerLimits.maximumPendingConnections` connections were already waiting to
    /// publish: closed as soon as it was accepted.
    case pendingLimit = "pending_limit"
    /// Its unfinished messages did not fit in `RTMPServerLimits.pendingBufferBudget`.
    case bufferBudget = "buffer_budget"
}
