import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Ingest

/// A peer that sends nothing for the read timeout is closed; one that keeps sending is not.
@Suite("RTMP read timeout")
struct RTMPReadTimeoutTests {
    struct RefusingHandler: PublishHandler {
        func publish(_ request: PublishRequest) async -> PublishDecision {
            .refuse(PublishRefusal(.badName, "not in this test"))
        }
    }

    @Test func aSilentPeerIsClosedAfterTheTimeout() async throws {
        try await Self.withServer(timeout: .seconds(1)) { port in
            let end = try await Self.connect(port: port, sendEvery: nil, for: .seconds(10))
            #expect(end.byServer, "not closed within 10 s")
            // Counted from before connecting: the server cannot have accepted earlier.
            #expect(end.openFor >= .seconds(1), "closed after \(end.openFor)")
        }
    }

    @Test func aPeerThatKeepsSendingStaysOpen() async throws {
        // A 2 s timeout: the sender may be descheduled for a while on a loaded CI machine.
        try await Self.withServer(timeout: .seconds(2)) { port in
            // One handshake byte every 100 ms for 5 s: a slow but live peer, over two timeouts.
            let end = try await Self.connect(port: port, sendEvery: .milliseconds(100), for: .seconds(5))
            // The server closes after 2 s with nothing read. A client whose own thread was held
            // up about that long (it happened, in a full run right after a benchmark had filled
            // the page cache) was a silent peer.
            #expect(
                !end.byServer || end.longestPause >= .milliseconds(1500),
                "closed by the server after \(end.openFor), though the client never paused over \(end.longestPause)")
        }
    }

    private static func withServer(timeout: TimeAmount, _ body: (Int) async throws -> Void) async throws {
        var logger = Logger(label: "read-timeout-test")
        logger.logLevel = .error
        let listener = try await RTMPServer(
            host: "127.0.0.1", port: 0, handler: RefusingHandler(), logger: logger, readTimeout: timeout
        ).bind()
        let serverTask = Task { try await listener.run() }
        defer { serverTask.cancel() }
        try await body(listener.port)
    }

    struct End {
        /// The server closed the connection (rather than the client after `duration`).
        var byServer: Bool
        /// From just before connecting to the end.
        var openFor: Duration
        /// The longest time between two of the client's sends, or from the last one to the end.
        var longestPause: Duration
    }

    /// Connects and sends a handshake byte (C0 = 3, then filler) every `sendEvery` (nothing when
    /// nil) until the server closes the connection or `duration` has passed. Sending and the end
    /// after `duration` both run on the client's own event loop thread, not in a task: during a
    /// full test run the cooperative pool can be busy for seconds, and a sender task delayed that
    /// long is a silent peer the server rightly closes.
    private static func connect(port: Int, sendEvery interval: TimeAmount?, for duration: TimeAmount) async throws -> End {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let end = try await connect(port: port, sendEvery: interval, for: duration, on: group)
            try await group.shutdownGracefully()
            return end
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    final class ClosedByClient: Sendable {
        let value = Mutex(false)
    }

    final class SendTimes: Sendable {
        let value = Mutex<[ContinuousClock.Instant]>([])
        func record() { value.withLock { $0.append(.now) } }
    }

    private static func connect(
        port: Int, sendEvery interval: TimeAmount?, for duration: TimeAmount, on group: MultiThreadedEventLoopGroup
    ) async throws -> End {
        let started = ContinuousClock.now
        let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
        let closedByClient = ClosedByClient()
        let sent = SendTimes()
        let sender = try await channel.eventLoop.submit { () -> RepeatedTask? in
            guard let interval else { return nil }
            channel.writeAndFlush(ByteBuffer(bytes: [3]), promise: nil)
            sent.record()
            return channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                channel.writeAndFlush(ByteBuffer(bytes: [0]), promise: nil)
                sent.record()
            }
        }.get()
        channel.eventLoop.scheduleTask(in: duration) {
            guard channel.isActive else { return }  // the server was first
            closedByClient.value.withLock { $0 = true }
            sender?.cancel()
            channel.close(promise: nil)
        }
        // The server's close, or the client's after `duration`, whichever comes first.
        try? await channel.closeFuture.get()
        sender?.cancel()
        let ended = ContinuousClock.now
        let times = [started] + sent.value.withLock { $0 } + [ended]
        let longestPause = zip(times, times.dropFirst()).map { $1 - $0 }.max() ?? .zero
        return End(byServer: !closedByClient.value.withLock { $0 }, openFor: ended - started, longestPause: longestPause)
    }
}
