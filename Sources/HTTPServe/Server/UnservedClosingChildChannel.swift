import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// The outermost child channel: its value (`AcceptedConnection`) closes its connection when
/// Hummingbird never serves it.
///
/// NIO's listening `NIOAsyncChannel` drops a connection's value, set up but not yet handed to
/// Hummingbird's accept loop, in two cases while the server stops (swift-nio issue 2813):
/// the value's setup completes after a graceful shutdown closed the listening channel, or the
/// value is still buffered when the task running the server is cancelled. The value holds an
/// `NIOAsyncChannel` (in the WebSocket-upgrade variant, a future that completes with one)
/// whose writer nobody finishes; NIO traps on that ("Deinited NIOAsyncWriter without calling
/// finish()") and the connection would stay open with nobody reading it. Wrapped here, the
/// dropped value ends its input (so an upgrade still being negotiated ends quietly), closes
/// the connection and runs the base's `handle` on the closed connection: the base ends at once
/// and finishes every `NIOAsyncChannel` it holds.
struct UnservedClosingChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = AcceptedConnection<Base>

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let base = base
        return base.setup(channel: channel, logger: logger).map { value in
            AcceptedConnection(base: base, value: value, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard let served = value.takeForServing() else { return }
        await base.handle(value: served, logger: logger)
    }
}

/// One accepted connection's value from `Base.setup`, until Hummingbird serves it
/// (`UnservedClosingChildChannel`); when released before, it closes the connection.
final class AcceptedConnection<Base: ServerChildChannel>: ServerChildChannelValue {
    let channel: any Channel
    private let base: Base
    private let logger: Logger
    /// The base's value; nil once handed to `Base.handle`.
    private let value: Mutex<Base.Value?>

    init(base: Base, value: Base.Value, logger: Logger) {
        self.channel = value.channel
        self.base = base
        self.logger = logger
        self.value = Mutex(value)
    }

    /// The base's value for serving; nil when it was taken before.
    func takeForServing() -> Base.Value? {
        value.withLock { $0.take() }
    }

    deinit {
        guard let unserved = value.withLock({ $0.take() }) else { return }
        let (base, logger, channel) = (base, logger, channel)
        // On the connection's event loop, queued behind its registration (which NIO schedules
        // before it hands the value on). The input is ended first where the connection is still
        // active: an upgrade still waiting for a request then fails as "input closed", which
        // hummingbird-websocket does not log as an error.
        channel.eventLoop.execute {
            if channel.isActive { channel.close(mode: .input, promise: nil) }
            channel.close(promise: nil)
        }
        Task { await base.handle(value: unserved, logger: logger) }
    }
}
