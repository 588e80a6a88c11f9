import Logging
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import Ingest

/// What the server reported, for the tests.
final class RecordingObserver: RTMPServerObserver {
    private let state = Mutex<(refused: [RTMPRefusalReason: Int], pending: Int)>(([:], 0))

    func rtmpConnectionRefused(_ reason: RTMPRefusalReason) { state.withLock { $0.refused[reason, default: 0] += 1 } }
    func rtmpPendingConnectionsChanged(by delta: Int) { state.withLock { $0.pending += delta } }

    func refused(_ reason: RTMPRefusalReason) -> Int { state.withLock { $0.refused[reason] ?? 0 } }
    var pending: Int { state.withLock { $0.pending } }
}

/// Log records, for the tests (level and message).
final class CapturedLog: Sendable {
    private let records = Mutex<[(level: Logger.Level, message: String)]>([])

    var all: [(level: Logger.Level, message: String)] { records.withLock { $0 } }

    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let code = event.metadata?["code"].map { " code=\($0)" } ?? ""
            log.records.withLock { $0.append((event.level, "\(event.message)\(code)")) }
        }
    }
}

/// A connection counts against `maximumPendingConnections` from its accept until its publish is
/// accepted; connections over the cap are closed at once, counted, and logged at most once a
/// second with a count.
@Suite("RTMP pending connection limit", .timeLimit(.minutes(2)))
struct RTMPPendingLimitTests {
    @Test func connectionsOverTheCapAreClosedUntilAPublishIsAccepted() async throws {
        let observer = RecordingObserver()
        let log = CapturedLog()
        let server = RTMPServer(
            host: "127.0.0.1", port: 0, handler: QueueingPublishHandler(limits: .init()), logger: log.logger(),
            limits: RTMPServerLimits(maximumPendingConnections: 2), observer: observer)
        let listener = try await server.bind()
        let serverTask = Task { try await listener.run() }
        defer { serverTask.cancel() }
        let connect = {
            try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: listener.port).get()
        }

        let publisher = try await connect()
        let idle = try await connect()
        try await waitUntil("two pending connections") { server.pending.current == 2 }

        // Five more while two are pending: each closed by the server at once.
        let refusalsStarted = ContinuousClock.now
        var refused: [any Channel] = []
        for _ in 0..<5 { refused.append(try await connect()) }
        for channel in refused {
            try await waitUntil("a connection over the cap closed") { !channel.isActive }
        }
        let refusalSpan = ContinuousClock.now - refusalsStarted
        #expect(observer.refused(.pendingLimit) == 5)
        #expect(publisher.isActive && idle.isActive)

        // The publisher's publish is accepted: it no longer counts, so one more gets in.
        let client = RTMPTestClient()
        try await publisher.writeAndFlush(ByteBuffer(bytes: RTMPTestClient.handshake() + RTMPTestClient.c2 + client.publishCommands()))
        try await waitUntil("the publisher no longer pending") { server.pending.current == 1 }
        let admitted = try await connect()
        try await waitUntil("the admitted connection pending") { server.pending.current == 2 }
        try await Task.sleep(for: .milliseconds(200))
        #expect(admitted.isActive)
        #expect(observer.refused(.pendingLimit) == 5)
        #expect(observer.pending == 2)

        // Closing gives the places back.
        try await idle.close()
        try await admitted.close()
        try await waitUntil("no pending connections") { server.pending.current == 0 }
        #expect(observer.pending == 0)

        // The five refusals: the first logged at once, the others together a second later (one
        // more line for every further second the five took on a loaded machine).
        try await waitUntil("log lines counting five refusals") {
            log.all.filter { $0.message.contains("refused") }.compactMap(Self.refusedCount).reduce(0, +) == 5
        }
        let lines = log.all.filter { $0.message.contains("refused") }
        #expect(lines.count <= 2 + Int(refusalSpan.components.seconds), "\(lines) in \(refusalSpan)")
        #expect(
            lines.allSatisfy {
                $0.level == .warning && $0.message.contains("--rtmp-max-pending-connections") && $0.message.contains("code=serverBusy")
            })
        // Connections that close before publishing are abnormal ends: a warning each.
        let closedBeforePublishing = log.all.filter { $0.message.contains("connection closed") }
        #expect(closedBeforePublishing.count == 2 && closedBeforePublishing.allSatisfy { $0.level == .warning }, "\(log.all)")
        try await publisher.close()
    }

    @Test("a connection that exceeds the limit before publishing is closed with a warning naming the limit and its code")
    func limitViolationIsAWarningWithItsCode() async throws {
        let log = CapturedLog()
        let server = RTMPServer(host: "127.0.0.1", port: 0, handler: QueueingPublishHandler(limits: .init()), logger: log.logger())
        let listener = try await server.bind()
        let serverTask = Task { try await listener.run() }
        defer { serverTask.cancel() }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(
            host: "127.0.0.1", port: listener.port
        ).get()
        let attack = RTMPPartialMessages.bytes(chunkSize: 1 << 20, length: 4 << 20, sent: 1 << 20, streams: 2)
        channel.writeAndFlush(ByteBuffer(bytes: RTMPTestClient.handshake() + RTMPTestClient.c2 + attack), promise: nil)
        try await waitUntil("the connection over the limit closed") { !channel.isActive }
        try await waitUntil("no pending connections") { server.pending.current == 0 }
        let warnings = log.all.filter { $0.level == .warning }
        #expect(warnings.count == 1, "\(log.all)")
        #expect(warnings.first?.message.contains("code=limitExceeded") == true, "\(warnings)")
        #expect(warnings.first?.message.contains("before a publish was accepted") == true, "\(warnings)")
    }

    /// The count in "refused N connection(s)".
    static func refusedCount(_ record: (level: Logger.Level, message: String)) -> Int? {
        guard let range = record.message.range(of: "refused ") else { return nil }
        return Int(record.message[range.upperBound...].prefix { $0.isNumber })
    }
}
