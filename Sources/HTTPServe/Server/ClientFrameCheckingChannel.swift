import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// A child channel (hummingbird-websocket's `HTTP1WebSocketUpgradeChannel`) whose upgraded
/// WebSocket connections get a `ClientFrameCheckHandler` behind the frame decoder.
///
/// hummingbird-websocket builds the WebSocket pipeline itself and offers no hook into it, so an
/// installer is added behind its upgrade handler when the connection is set up. NIO fires
/// `HTTPServerUpgradeEvents.upgradeComplete` once the WebSocket handlers are in place and
/// before it passes on any bytes read after the upgrade request; the installer then puts the
/// check behind the decoder and leaves, so no frame arrives unchecked. On a connection that
/// stays HTTP it leaves at the first request.
struct ClientFrameCheckingChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    /// The largest message, whole or fragmented (`ClientFrameCheckHandler.maximumMessageLength`).
    let maximumMessageLength: Int

    /// The base's value is returned even when the installer cannot be added (the connection is
    /// then closed, so no frame goes unchecked): a value dropped here would end in an
    /// `NIOAsyncChannel` nobody finishes, which NIO traps on.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let maximumMessageLength = maximumMessageLength
        return base.setup(channel: channel, logger: logger).map { value in
            do {
                try channel.pipeline.syncOperations.addHandler(ClientFrameCheckInstaller(maximumMessageLength: maximumMessageLength))
            } catch {
                logger.debug("connection closed at setup: \(error)")
                channel.close(promise: nil)
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Puts a `ClientFrameCheckHandler` behind the WebSocket frame decoder when an upgrade
/// completes (see `ClientFrameCheckingChannel`), then removes itself.
final class ClientFrameCheckInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never

    let maximumMessageLength: Int

    init(maximumMessageLength: Int) {
        self.maximumMessageLength = maximumMessageLength
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let upgrade = event as? HTTPServerUpgradeEvents, case .upgradeComplete = upgrade else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let pipeline = context.pipeline.syncOperations
        let check = ClientFrameCheckHandler(maximumMessageLength: maximumMessageLength)
        do {
            // Right behind the decoder, in front of NIO's `WebSocketProtocolErrorHandler`: the
            // check sees the decoder's refusals before that handler answers them and closes.
            let decoder = try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            try pipeline.addHandler(check, position: .after(decoder))
        } catch {
            // Without its decoder the connection is not a WebSocket this server can check.
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
        pipeline.removeHandler(context: context, promise: nil)
    }
}
