import NIOCore
import NIOHTTPTypes

/// Tells `StreamFileFastPathHandler` what happens to the requests Hummingbird answers. It sits
/// right after Hummingbird's `HTTP1ToHTTPServerCodec` (through
/// `HTTP1Channel.Configuration.additionalChannelHandlers`), where it sees the parts of each
/// such request and the `.end` of each response on its way out; it changes nothing that passes.
final class HandedOverRequestsHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var front: StreamFileFastPathHandler!

    func handlerAdded(context: ChannelHandlerContext) {
        guard let front = try? context.pipeline.syncOperations.handler(type: StreamFileFastPathHandler.self) else {
            preconditionFailure("HandedOverRequestsHandler needs a StreamFileFastPathHandler in front (StreamFileChildChannel)")
        }
        self.front = front
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: front.hummingbirdReadHead()
        case .body: front.hummingbirdReadBodyOrEnd(isEnd: false)
        case .end: front.hummingbirdReadBodyOrEnd(isEnd: true)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data), front.hummingbirdWritesEnd(isActive: context.channel.isActive) else {
            context.write(data, promise: promise)
            return
        }
        context.writeAndFlush(data, promise: promise)
        context.close(promise: nil)
    }
}
