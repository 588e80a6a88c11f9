import Logging
import NIOCore
import NIOPosix

/// The RTMP listener (SwiftNIO): one `RTMPServerSession` per connection, publish requests and
/// media handed to a `PublishHandler`. A connection that sends bad input is closed with a log
/// line naming the reason; the others are not affected.
public struct RTMPServer: Sendable {
    public let host: String
    public let port: Int
    private let handler: any PublishHandler
    private let logger: Logger
    private let group: any EventLoopGroup

    public init(host: String = "0.0.0.0", port: Int = 1935, handler: any PublishHandler, logger: Logger, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.handler = handler
        self.logger = logger
        self.group = group
    }

    /// Binds; the returned listener accepts connections once `run` is called.
    public func bind() async throws -> Listener {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: RTMPLimits.readTimeout), CloseWhenIdle(),
                    ])
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        return Listener(channel: channel, handler: handler, logger: logger)
    }

    public struct Listener: Sendable {
        let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        let handler: any PublishHandler
        let logger: Logger

        /// The port actually bound (useful with port 0 in tests).
        public var port: Int { channel.channel.localAddress?.port ?? 0 }

        /// Accepts connections until the task is cancelled or `close()` is called.
        public func run() async throws {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        }

        public func close() async {
            try? await channel.channel.close()
        }

        private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
            let remote = connection.channel.remoteAddress?.description ?? "unknown"
            var session = RTMPServerSession(remoteAddress: remote)
            var sink: LiveMediaSink?
            var streamName: String?
            var endReason: String?
            do {
                try await connection.executeThenClose { inbound, outbound in
                    reading: for try await buffer in inbound {
                        let outputs: [RTMPServerSession.Output]
                        do {
                            outputs = try session.receive(buffer.readableBytesView)
                        } catch {
                            endReason = "\(error)"
                            logger.warning("rtmp \(remote)\(streamName.map { " (\($0))" } ?? ""): closing the connection: \(error)")
                            break reading
                        }
                        for output in outputs {
                            switch output {
                            case .send(let bytes):
                                try await outbound.write(ByteBuffer(bytes: bytes))
                            case .publishRequested(let request):
                                switch await handler.publish(request) {
                                case .accept(let accepted):
                                    sink = accepted
                                    streamName = request.streamName
                                    logger.info("rtmp \(remote): publishing \(request.streamName)")
                                    let released: [RTMPServerSession.Output]
                                    do {
                                        released = try session.acceptPublish(streamName: request.streamName)
                                    } catch {
                                        endReason = "\(error)"
                                        logger.warning("rtmp \(remote) (\(request.streamName)): closing the connection: \(error)")
                                        break reading
                                    }
                                    for item in released {
                                        switch item {
                                        case .send(let bytes): try await outbound.write(ByteBuffer(bytes: bytes))
                                        case .media(let event): sink?.send(event)
                                        default: break
                                        }
                                    }
                                case .refuse(let refusal):
                                    logger.warning("rtmp \(remote): publish of \(request.streamName) refused: \(refusal.reason)")
                                    try await outbound.write(ByteBuffer(bytes: session.refusePublish(refusal)))
                                    break reading
                                }
                            case .media(let event):
                                sink?.send(event)
                            case .unpublished:
                                sink?.finish(reason: nil)
                                sink = nil
                            }
                        }
                    }
                }
            } catch {
                endReason = endReason ?? "\(error)"
                logger.debug("rtmp \(remote): connection error: \(error)")
            }
            if let sink {
                logger.info("rtmp \(remote): \(streamName ?? "?") disconnected")
                sink.finish(reason: endReason)
            }
        }
    }
}

/// Closes a connection that sent nothing for `RTMPLimits.readTimeout` (a stalled or idle peer
/// must not hold a connection slot forever).
final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
