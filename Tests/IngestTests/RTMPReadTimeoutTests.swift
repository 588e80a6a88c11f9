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
            #expect(!end.byServer, "closed by the server after \(end.openFor)")
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
    }

    /// Connects and sends a handshake byte (C0 = 3, then filler) every `sendEvery` (nothing when
    /// nil) until the server closes the connection or `duration` has passed.
    /// The client has an event loop of its own: the shared one is busy with other tests' servers.
    private static func connect(port: Int, sendEvery interval: Duration?, for duration: Duration) async throws -> End {
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

    private static func connect(
        port: Int, sendEvery interval: Duration?, for duration: Duration, on group: MultiThreadedEventLoopGroup
    ) async throws -> End {
        let started = ContinuousClock.now
        let channel = try await ClientBootstrap(group: group)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for try await _ in inbound {}
                    return true  // the server closed the connection
                }
                group.addTask {
                    let end = ContinuousClock.now + duration
                    var first = true
                    while ContinuousClock.now < end {
                        if let interval {
                            try await outbound.write(ByteBuffer(bytes: [first ? 3 : 0]))
                            first = false
                            try await Task.sleep(for: interval)
                        } else {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    return false
                }
                // Whichever ends first: the server's close, or the sender after `duration`.
                let byServer = try await group.next() ?? false
                let openFor = ContinuousClock.now - started
                group.cancelAll()
                return End(byServer: byServer, openFor: openFor)
            }
        }
    }
}
