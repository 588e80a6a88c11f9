import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// A Hummingbird child channel (`HTTP1Channel`, or `HTTP1WebSocketUpgradeChannel`) with a
/// `ConnectionCloseHandler` right in front of its `HTTP1ToHTTPServerCodec`: after the base's
/// setup, before the codec when the base added it, otherwise (the upgrade variant, which adds
/// the codec once a request asks for no upgrade) last, right behind NIO's upgrade handler.
struct ConnectionCloseChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let handler = ConnectionCloseHandler()
            if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
                try pipeline.addHandler(handler, position: .before(codec))
            } else {
                try pipeline.addHandler(handler)
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
