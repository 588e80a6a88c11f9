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

    /// Long enough that a loaded test machine does not stall the sending peer for that long.
    static let timeout = TimeAmount.seconds(1)

    @Test func aSilentPeerIsClosedAfterTheTimeout() async throws {
        try await Self.withServer { port in
            let end = try await Self.connect(port: port, sendEvery: nil, for: .seconds(10))
            #expect(end.byServer, "not closed within 10 s")
            // The server's clock starts at accept, a moment before the client sees the connection.
            #expect(end.openFor >= .milliseconds(900), "closed after \(end.openFor)")
        }
    }

    @Test func aPeerThatKeepsSendingStaysOpen() async throws {
        try await Self.withServer { port in
            // One handshake byte every 100 ms for 2.5 s: a slow but live peer, over two timeouts.
            let end = try await Self.connect(port: port, sendEvery: .milliseconds(100), for: .milliseconds(2500))
            #expect(!end.byServer, "closed by the server after \(end.openFor)")
        }
    }

    private static func withServer(_ body: (Int) async throws -> Void) async throws {
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
        /// From connected to the end.
        var openFor: Duration
    }

    /// Connects and sends a handshake byte (C0 = 3, then filler) every `sendEvery` (nothing when
    /// nil) until the server closes the connection or `duration` has passed.
    private static func connect(port: Int, sendEvery interval: Duration?, for duration: Duration) async throws -> End {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let connected = ContinuousClock.now
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
                let openFor = ContinuousClock.now - connected
                group.cancelAll()
                return End(byServer: byServer, openFor: openFor)
            }
        }
    }
}
