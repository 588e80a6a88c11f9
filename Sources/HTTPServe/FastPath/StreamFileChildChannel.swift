import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird child channel (`HTTP1Channel`, or `HTTP1WebSocketUpgradeChannel`) with a
/// `StreamFileFastPathHandler` in front of everything the base's setup adds, so that the fast
/// path reads the socket's bytes before NIO's HTTP/1 codec does.
///
/// The base must have a `HandedOverRequestsHandler` among its
/// `HTTP1Channel.Configuration.additionalChannelHandlers` and no idle timeout of its own (the
/// fast-path handler keeps it).
struct StreamFileChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let fastPath: StreamFileFastPath
    let idleTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let handler = StreamFileFastPathHandler(fastPath: fastPath, idleTimeout: idleTimeout)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
