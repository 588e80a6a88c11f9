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

    /// The base's value is returned even when the handler cannot be added (the connection is
    /// then closed): a value dropped here would hold an `NIOAsyncChannel` nobody finishes, which
    /// NIO traps on; Hummingbird's `handle` finishes it on the closed connection.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).map { value in
            let pipeline = channel.pipeline.syncOperations
            let handler = ConnectionCloseHandler()
            do {
                if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
                    try pipeline.addHandler(handler, position: .before(codec))
                } else {
                    try pipeline.addHandler(handler)
                }
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
