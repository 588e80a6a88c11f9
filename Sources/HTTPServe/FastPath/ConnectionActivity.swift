import NIOCore

/// When an HTTP/1 connection with the stream-file fast path is idle, and when it may be closed
/// for a graceful shutdown: the rules of Hummingbird's `HTTPConnectionStateHandler`, kept by
/// `StreamFileFastPathHandler` because that handler answers requests Hummingbird's handler
/// never sees, so Hummingbird's would take a connection busy with fast-path requests for idle.
///
/// - Idle: no request part read and no response finished for `idleTimeout` closes the
///   connection, except while a request has been read and its response is being made.
/// - Graceful shutdown (`ChannelShouldQuiesceEvent`): closes at once when no response is
///   outstanding, otherwise right after the last one is written.
struct ConnectionActivity {
    enum Action: Equatable {
        case none
        /// Arm the idle timer for this deadline (when none is armed).
        case schedule(NIODeadline)
        case close
    }

    let idleTimeout: TimeAmount?
    /// Requests whose head was read and whose response `.end` was not written yet.
    private(set) var requestsInProgress = 0
    private(set) var isRequestBeingRead = false
    private(set) var lastActive: NIODeadline
    private(set) var closeAfterResponse = false

    init(idleTimeout: TimeAmount?, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.lastActive = now
    }

    mutating func becameActive(now: NIODeadline) -> Action {
        idleTimeout.map { .schedule(now + $0) } ?? .none
    }

    mutating func readHead(now: NIODeadline) {
        lastActive = now
        isRequestBeingRead = true
        requestsInProgress += 1
    }

    mutating func readBodyOrEnd(isEnd: Bool, now: NIODeadline) {
        lastActive = now
        if isEnd { isRequestBeingRead = false }
    }

    /// Bytes were handed to NIO's decoder without a head read here (the fast path's hand-over
    /// for good): activity all the same.
    mutating func handedOver(now: NIODeadline) {
        lastActive = now
    }

    /// A response's `.end` is being written: `.close` means flush it and close.
    mutating func wroteEnd(now: NIODeadline, isActive: Bool) -> Action {
        requestsInProgress -= 1
        guard requestsInProgress == 0 else { return .none }
        if closeAfterResponse { return .close }
        guard let idleTimeout, isActive else { return .none }
        lastActive = now
        return .schedule(now + idleTimeout)
    }

    mutating func timerFired(now: NIODeadline, isActive: Bool) -> Action {
        guard let idleTimeout, isActive else { return .none }
        // A request read and being answered (a slow handler, a long body download) is not idle;
        // the timer is armed again when its response ends.
        if !isRequestBeingRead, requestsInProgress > 0 { return .none }
        if now >= lastActive + idleTimeout { return .close }
        return .schedule(lastActive + idleTimeout)
    }

    mutating func quiesce() -> Action {
        guard requestsInProgress > 0 else { return .close }
        closeAfterResponse = true
        return .none
    }
}
