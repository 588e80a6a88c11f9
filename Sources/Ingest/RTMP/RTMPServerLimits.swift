/// The limits of one RTMP server that its operator may change (`hlsseg serve --rtmp-max-…`,
/// `hlsseg.yml`); the fixed ones are in `RTMPLimits`.
///
/// A connection is *pending* from the moment it is accepted until a publish on it is accepted
/// (by the `PublishHandler`: stream name, token). Pending connections are counted against
/// `maximumPendingConnections` (more are closed at once) and each may hold at most
/// `RTMPLimits.maximumBufferedBytesBeforePublish` in unfinished messages, all of them together
/// at most `pendingBufferBudget`. So what a peer without a valid publish can make the server
/// hold is bounded, whatever it sends; once its publish is accepted, only `maximumMessageSize`
/// (and twice that in unfinished messages) applies.
public struct RTMPServerLimits: Sendable, Equatable {
    /// Largest RTMP message a publisher may send (`--rtmp-max-message-size`); a larger one
    /// closes the connection. See `RTMPLimits.messageSizeRange`.
    public var maximumMessageSize: Int
    /// Connections that have not had a publish accepted, at once (`--rtmp-max-pending-connections`).
    public var maximumPendingConnections: Int
    /// Bytes of unfinished messages all pending connections may hold together
    /// (`--rtmp-pending-buffer-budget`); a connection whose next bytes do not fit is closed.
    public var pendingBufferBudget: Int

    /// The smallest `pendingBufferBudget`: what one pending connection may hold.
    public static let minimumPendingBufferBudget = RTMPLimits.maximumBufferedBytesBeforePublish

    public init(
        maximumMessageSize: Int = RTMPLimits.defaultMaximumMessageSize,
        maximumPendingConnections: Int = RTMPLimits.defaultMaximumPendingConnections,
        pendingBufferBudget: Int = RTMPLimits.defaultPendingBufferBudget
    ) {
        self.maximumMessageSize = maximumMessageSize
        self.maximumPendingConnections = maximumPendingConnections
        self.pendingBufferBudget = pendingBufferBudget
    }
}
