import Ingest

/// The RTMP server's refusals and pending connections, as `GET /metrics` shows them.
extension LiveMetrics: RTMPServerObserver {
    public func rtmpConnectionRefused(_ reason: RTMPRefusalReason) {
        switch reason {
        case .pendingLimit: rtmpRefusedPendingLimit.increment()
        case .bufferBudget: rtmpRefusedBufferBudget.increment()
        }
    }

    public func rtmpPendingConnectionsChanged(by delta: Int) {
        rtmpPendingConnections.increment(by: Double(delta))
    }
}
