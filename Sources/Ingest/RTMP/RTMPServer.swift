import Logging
import NIOCore
import NIOPosix

/// The RTMP listener (SwiftNIO): one `RTMPServerSession` per connection, publish requests and
/// media handed to a `PublishHandler`. A connection that sends bad input is closed with a log
/// line naming the reason; the others are not affected. What connections that have not
/// published yet may hold, and how many there may be, is bounded (`RTMPServerLimits`).
public struct RTMPServer: Sendable {
    public let host: String
    public let port: Int
    /// A connection that sends nothing for this long is closed (`RTMPLimits.readTimeout`).
    public let readTimeout: TimeAmount
    public var limits: RTMPServerLimits { pending.limits }
    private let handler: any PublishHandler
    private let logger: Logger
    private let group: any EventLoopGroup
    /// Connections not published yet, and their shared buffer budget (shared by every
    /// listener `bind` makes).
    let pending: RTMPPendingConnections

    public init(
        host: String = "0.0.0.0", port: Int = 1935, handler: any PublishHandler, logger: Logger,
        readTimeout: TimeAmount = RTMPLimits.readTimeout, limits: RTMPServerLimits = RTMPServerLimits(),
        observer: (any RTMPServerObserver)? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.host = host
        self.port = port
        self.readTimeout = readTimeout
        self.handler = handler
        self.logger = logger
        self.group = group
        self.pending = RTMPPendingConnections(limits: limits, observer: observer, logger: logger)
    }

    /// Binds; the returned listener accepts connections once `run` is called.
    public func bind() async throws -> Listener {
        let (handler, logger, readTimeout, pending) = (self.handler, self.logger, self.readTimeout, self.pending)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture { () throws -> any Channel in
                    guard pending.admit() else {
                        pending.refused(.pendingLimit, on: child.eventLoop)
                        try child.pipeline.syncOperations.addHandler(RTMPRefusedConnectionHandler())
                        return child
                    }
                    do {
                        try child.pipeline.syncOperations.addHandlers(
                            IdleStateHandler(readTimeout: readTimeout),
                            RTMPConnectionHandler(
                                remoteAddress: child.remoteAddress?.description ?? "unknown", handler: handler,
                                readTimeout: readTimeout, pending: pending, logger: logger))
                    } catch {
                        pending.leave()
                        throw error
                    }
                    return child
                }
            }
        return Listener(channel: channel)
    }

    public struct Listener: Sendable {
        let channel: NIOAsyncChannel<any Channel, Never>

        /// The port actually bound (useful with port 0 in tests).
        public var port: Int { channel.channel.localAddress?.port ?? 0 }

        /// Accepts connections until the task is cancelled or `close()` is called; returns once
        /// every accepted connection has closed (cancelling closes them).
        public func run() async throws {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            await withTaskCancellationHandler {
                                try? await connection.closeFuture.get()
                            } onCancel: {
                                connection.close(promise: nil)
                            }
                        }
                    }
                }
            }
        }

        public func close() async {
            try? await channel.channel.close()
        }
    }
}
