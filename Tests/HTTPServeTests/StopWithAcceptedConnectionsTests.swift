import Foundation
import HTTPServe
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

@testable import HTTPServe

#if canImport(Glibc)
    import Glibc
#endif

/// A server stopped (its task cancelled, or a graceful shutdown) while a burst of connections
/// is still being accepted: connections that NIO accepted and set up but that Hummingbird never
/// got to serve must be closed, not left open, and must not crash the process (a dropped
/// `NIOAsyncChannel` traps: "Deinited NIOAsyncWriter without calling finish()";
/// `UnservedClosingChildChannel`). Connections served but idle, or with half a request head,
/// are closed too, including those of the WebSocket-upgrade variant without the fast path,
/// which only `ConnectionCloseHandler` closes. Every server variant: with and without
/// WebSocket upgrades, with and without the fast path; the server's run ends.
@Suite("connections accepted while the server stops", .timeLimit(.minutes(2)))
struct StopWithAcceptedConnectionsTests {
    enum Stop: CaseIterable, Sendable { case cancel, graceful }

    /// Connections per burst: enough that the server is still accepting and setting up some of
    /// them when it is told to stop.
    static let burstSize = 64
    static let rounds = 3
    /// How long every connection the test keeps open may take to be closed by the stopped server.
    static let closeDeadlineSeconds = 10

    @Test(
        "every connection of a burst is closed by the stopped server, and the process survives",
        arguments: [false, true], Stop.allCases)
    func burstWhileStopping(webSocket: Bool, stop: Stop) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("live")
        var logger = Logger(label: "stop-with-accepted-connections-test")
        logger.logLevel = .critical  // Hummingbird logs the cancelled connections as errors
        for round in 0..<Self.rounds {
            for fastPath in [true, false] {
                var configuration = ServeConfiguration(root: fixture.root, port: 0)
                configuration.streamFastPath = fastPath
                let server = try HLSServer(
                    configuration: configuration, logger: logger, webSocketRoutes: webSocket ? WebSocketUpgradesOn.routes : nil)
                let (open, run) = try await Self.burstThenStop(server: server, stop: stop, logger: logger)
                let stillOpen = try await RawHTTPClient.run { Self.stillOpen(open, deadlineSeconds: Self.closeDeadlineSeconds) }
                for fd in open { close(fd) }
                #expect(
                    stillOpen == 0,
                    "round \(round), fast path \(fastPath): \(stillOpen) of \(open.count) connections left open after the server stopped")
                // A graceful stop waits for the connections, which are all closed now.
                let watchdog = Task {
                    do {
                        try await Task.sleep(for: .seconds(Self.closeDeadlineSeconds))
                    } catch {
                        return false
                    }
                    run.cancel()
                    return true
                }
                _ = await run.result
                watchdog.cancel()
                #expect(await watchdog.value == false, "round \(round), fast path \(fastPath): the server's run did not end")
            }
        }
    }

    /// Starts `server`, opens `burstSize` connections at once and stops the server right after the
    /// last one connected, while it is still accepting. A quarter of the connections close at
    /// once, a quarter reset (`SO_LINGER` 0), a quarter send half a request head, a quarter
    /// send nothing; returns the sockets still open (the last two quarters) and the server's run.
    static func burstThenStop(
        server: HLSServer, stop: Stop, logger: Logger
    ) async throws -> (open: [Int32], run: Task<Void, any Error>) {
        let started = try await StartedServer.start(server, logger: logger)
        let open: [Int32]
        do {
            open = try await RawHTTPClient.run { try Self.burst(port: started.port) }
        } catch {
            started.run.cancel()
            throw error
        }
        switch stop {
        case .cancel: started.run.cancel()
        case .graceful: await started.group.triggerGracefulShutdown()
        }
        return (open, started.run)
    }

    /// The burst itself (blocking socket calls, on a thread of its own).
    static func burst(port: Int) throws -> [Int32] {
        var open: [Int32] = []
        let halfHead = Array("GET /hls/live/seg0.m4s HTTP/1.1\r\nHost: loc".utf8)
        for index in 0..<burstSize {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard connectToLoopback(fd, port: port) else {
                close(fd)
                for fd in open { close(fd) }
                throw RawHTTPConnection.Failure(description: "connect to \(port) failed")
            }
            switch index % 4 {
            case 0:
                close(fd)
            case 1:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(fd)
            case 2:
                _ = halfHead.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                open.append(fd)
            default:
                open.append(fd)
            }
        }
        return open
    }

    /// How many of `fds` the server has not closed (EOF or reset) within `deadlineSeconds`.
    static func stillOpen(_ fds: [Int32], deadlineSeconds: Int) -> Int {
        let deadline = Date().addingTimeInterval(TimeInterval(deadlineSeconds))
        var count = 0
        for fd in fds where !closedByServer(fd, before: deadline) { count += 1 }
        return count
    }

    /// Reads (and drops) what the server sends until it closes the connection; false when the
    /// deadline passes first.
    static func closedByServer(_ fd: Int32, before deadline: Date) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            // At least 1 ms: a zero timeout would wait forever.
            var timeout = timeval(tv_sec: Int(left), tv_usec: max(1000, Int((left - left.rounded(.down)) * 1_000_000)))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return true  // reset
            }
        }
    }
}
