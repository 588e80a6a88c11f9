import NIOCore

/// A connection over `RTMPServerLimits.maximumPendingConnections`: closed as soon as it is
/// active, nothing read (the refusal is counted and logged by `RTMPPendingConnections`).
final class RTMPRefusedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { context.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
