import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

@testable import HTTPServe

/// Request heads no HTTP/1.1 server can read, and requests that end their connection (HTTP/1.0,
/// `Connection: close`), against `ConnectionCloseHandler`: over real sockets on 127.0.0.1, with
/// the event-loop fast path and without it (`ServePair`), in the plain HTTP/1.1 server and in
/// the WebSocket-upgrade variant that `hlsseg serve` runs with live ingest.
@Suite("malformed request heads get their status and a close; HTTP/1.0 closes after the answer", .timeLimit(.minutes(2)))
struct MalformedRequestTests {
    /// A head as the client writes it, and the status it must get.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var status: Int
        var description: String { name }
    }

    static func head(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let cases: [Case] = [
        Case(
            name: "a 40 KB header line",
            bytes: head("GET /hls/live/index.m3u8 HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 40 * 1024))\r\n\r\n"),
            status: 431),
        Case(
            name: "5,000 header lines",
            bytes: head("GET /hls/live/index.m3u8 HTTP/1.1\r\nHost: x\r\n" + (0..<5000).map { "X-H\($0): v\r\n" }.joined() + "\r\n"),
            status: 431),
        Case(
            name: "150 short header lines (over the count, under the size limits)",
            bytes: head("GET /hls/live/index.m3u8 HTTP/1.1\r\nHost: x\r\n" + (0..<150).map { "X-H\($0): v\r\n" }.joined() + "\r\n"),
            status: 431),
        Case(
            name: "5 header lines of 7 KB (each under the line limit, together over the head limit)",
            bytes: head(
                "GET /hls/live/index.m3u8 HTTP/1.1\r\nHost: x\r\n"
                    + (0..<5).map { "X-H\($0): \(String(repeating: "b", count: 7 * 1024))\r\n" }.joined() + "\r\n"),
            status: 431),
        // A request line without a version is HTTP/0.9's (RFC 1945 §4.1 Simple-Request).
        Case(name: "a bare request line without a version", bytes: head("GET /\r\n\r\n"), status: 505),
        Case(name: "a header line without a colon", bytes: head("GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"), status: 400),
        Case(name: "a NUL byte in the target", bytes: head("GET /hls/live/a\u{0}b HTTP/1.1\r\nHost: x\r\n\r\n"), status: 400),
        Case(name: "a control byte in the target", bytes: head("GET /hls/live/a\u{1}b HTTP/1.1\r\nHost: x\r\n\r\n"), status: 400),
        Case(name: "a lowercase method", bytes: head("get /hls/live/index.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n"), status: 400),
        Case(name: "a space in a field name", bytes: head("GET / HTTP/1.1\r\nHost: x\r\nX Space: a\r\n\r\n"), status: 400),
        Case(name: "HTTP/9.9", bytes: head("GET /hls/live/index.m3u8 HTTP/9.9\r\nHost: x\r\n\r\n"), status: 505),
        Case(name: "HTTP/2.0 as HTTP/1 text", bytes: head("GET /hls/live/index.m3u8 HTTP/2.0\r\nHost: x\r\n\r\n"), status: 505),
    ]

    /// How soon an answer (and the close after it) must come: far below the servers' 60-s idle
    /// timeout, which a server that forgets to answer or close waits for, and far above what
    /// scheduling alone holds a run up on a busy machine.
    static let promptness: Duration = .seconds(5)

    /// How long a read waits for bytes: past `promptness`, so that a late answer is measured
    /// rather than cut off, and still well short of the idle timeout.
    static let readTimeoutSeconds = 15

    /// Runs `exchange` (on a fresh connection, a thread of its own) until it is done within
    /// `promptness`, at most three times; returns the last run and how long it took.
    static func prompt<T: Sendable>(_ exchange: @escaping @Sendable () throws -> T) async throws -> (value: T, elapsed: Duration) {
        for attempt in 1... {
            let started = ContinuousClock.now
            do {
                let value = try await RawHTTPClient.run(exchange)
                let elapsed = ContinuousClock.now - started
                if elapsed < promptness || attempt == 3 { return (value, elapsed) }
            } catch {
                if attempt == 3 { throw error }
            }
        }
        fatalError("unreachable")
    }

    /// Sends `bytes` on a fresh connection; the answer and whether the server closed the
    /// connection right after it (on the calling thread).
    static func exchange(port: Int, _ bytes: [UInt8]) throws -> (response: RawResponse, closed: Bool) {
        let connection = try RawHTTPConnection(port: port, timeoutSeconds: readTimeoutSeconds)
        try connection.send(bytes: bytes)
        let response = try connection.readResponse(to: RawRequest(target: "/"))
        return (response, connection.closedByPeer())
    }

    /// `exchange` on a thread of its own.
    static func answer(port: Int, _ bytes: [UInt8]) async throws -> (response: RawResponse, closed: Bool) {
        try await RawHTTPClient.run { try exchange(port: port, bytes) }
    }

    @Test(
        "each malformed head: its status at once (well before the idle timeout), Connection: close, then EOF", arguments: cases,
        [false, true])
    func malformedHead(_ item: Case, webSocket: Bool) async throws {
        try await ServePair.run(webSocketRoutes: webSocket ? WebSocketUpgradesOn.routes : nil) { fast, router, _ in
            try await fast.warmUp()
            for server in [fast, router] {
                let port = server.port
                let ((response, closed), elapsed) = try await Self.prompt { try Self.exchange(port: port, item.bytes) }
                #expect(
                    response.status == item.status, "\(item) (fast path \(server.server.fastPath != nil), WebSocket \(webSocket))")
                #expect(response.header("connection") == "close", "\(item): \(response)")
                #expect(response.header("content-length") == "0", "\(item): \(response)")
                #expect(closed, "\(item): the connection stays open after \(response.status)")
                #expect(elapsed < Self.promptness, "\(item)")
            }
        }
    }
}

extension MalformedRequestTests {
    static let healthz = RawRequest(target: "/healthz")

    @Test("a head refused behind a good one on the same connection: the good answer, then the refusal, then EOF", arguments: [false, true])
    func refusalAfterPipelinedRequest(webSocket: Bool) async throws {
        try await ServePair.run(webSocketRoutes: webSocket ? WebSocketUpgradesOn.routes : nil) { fast, router, _ in
            try await fast.warmUp()
            let refused = Self.head("GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")
            // The playlist is answered by the fast path (on `fast`), /healthz by Hummingbird,
            // whose answer is still being made when the decoder refuses the second head.
            for server in [fast, router] {
                for first in [FastPathTests.get(FastPathTests.playlist), Self.healthz] {
                    let (answers, closed) = try await RawHTTPClient.run {
                        let connection = try RawHTTPConnection(port: server.port, timeoutSeconds: Self.readTimeoutSeconds)
                        try connection.send(bytes: first.bytes + refused)
                        let answers = [try connection.readResponse(to: first), try connection.readResponse(to: Self.healthz)]
                        return (answers, connection.closedByPeer())
                    }
                    #expect(answers.map(\.status) == [200, 400], "\(first), fast path \(server.server.fastPath != nil)")
                    #expect(answers[0].header("connection") == nil && answers[1].header("connection") == "close")
                    #expect(closed, "\(first), fast path \(server.server.fastPath != nil)")
                }
            }
        }
    }

    /// Requests that end the connection: HTTP/1.0 without keep-alive, `Connection: close`.
    static let lastRequests: [RawRequest] = [
        RawRequest(target: FastPathTests.playlist, version: "HTTP/1.0"),
        RawRequest(method: "HEAD", target: FastPathTests.segment, version: "HTTP/1.0"),
        RawRequest(target: "/healthz", version: "HTTP/1.0"),
        RawRequest(target: FastPathTests.playlist, headers: [("Connection", "close")]),
        RawRequest(target: "/healthz", headers: [("Connection", "close")]),
        RawRequest(target: "/healthz", headers: [("Connection", "close")], version: "HTTP/1.0"),
    ]

    @Test(
        "HTTP/1.0 without keep-alive and Connection: close: the answer says close, a request behind it is not answered, EOF",
        arguments: [false, true])
    func lastRequestClosesTheConnection(webSocket: Bool) async throws {
        try await ServePair.run(webSocketRoutes: webSocket ? WebSocketUpgradesOn.routes : nil) { fast, router, _ in
            try await fast.warmUp()
            for server in [fast, router] {
                for request in Self.lastRequests {
                    let port = server.port
                    let ((answer, closed), elapsed) = try await Self.prompt {
                        let connection = try RawHTTPConnection(port: port, timeoutSeconds: Self.readTimeoutSeconds)
                        try connection.send([request, Self.healthz])
                        return (try connection.readResponse(to: request), connection.closedByPeer())
                    }
                    let label = "\(request) \(request.version), fast path \(server.server.fastPath != nil)"
                    #expect(answer.status == 200, "\(label)")
                    #expect(answer.header("connection") == "close", "\(label): \(answer)")
                    #expect(closed, "\(label)")
                    #expect(elapsed < Self.promptness, "\(label)")
                }
            }
        }
    }

    @Test("HTTP/1.0 with Connection: keep-alive: the answer says keep-alive and the connection takes the next request")
    func keepAliveHTTP10() async throws {
        try await ServePair.run { fast, router, _ in
            try await fast.warmUp()
            for server in [fast, router] {
                for target in [FastPathTests.playlist, "/healthz"] {
                    let request = RawRequest(target: target, headers: [("Connection", "keep-alive")], version: "HTTP/1.0")
                    let answers = try await RawHTTPClient.run {
                        let connection = try RawHTTPConnection(port: server.port, timeoutSeconds: Self.readTimeoutSeconds)
                        return [try connection.exchange(request), try connection.exchange(request)]
                    }
                    #expect(answers.map(\.status) == [200, 200], "\(target)")
                    #expect(answers.map { $0.header("connection") } == ["keep-alive", "keep-alive"], "\(target)")
                }
            }
        }
    }
}

extension MalformedRequestTests {
    @Test("refused heads and closing requests log nothing above info (WebSocket variant, fast path on and off)", arguments: [true, false])
    func nothingLogged(fastPath: Bool) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("live")
        let recorder = RecordingLogHandler.Lines()
        var logger = recorder.logger(label: "malformed")
        logger.logLevel = .info
        let server = try HLSServer(
            configuration: ServeConfiguration(root: fixture.root, port: 0, streamFastPath: fastPath), logger: logger,
            webSocketRoutes: WebSocketUpgradesOn.routes)
        let started = try await StartedServer.start(server, logger: logger)
        let port = started.port
        for item in Self.cases {
            #expect(try await Self.answer(port: port, item.bytes).response.status == item.status)
        }
        for request in Self.lastRequests.prefix(2) {
            #expect(try await RawHTTPClient.fetch(port: port, request).header("connection") == "close")
        }
        try await started.stop()
        #expect(recorder.all.filter { !$0.hasPrefix("info") } == [])
    }
}

extension MalformedRequestTests {
    @Test(
        "a body the decoder refuses midway (a bad chunk size): its request is answered, with Connection: close, then EOF",
        arguments: [false, true])
    func refusedBody(webSocket: Bool) async throws {
        try await ServePair.run(webSocketRoutes: webSocket ? WebSocketUpgradesOn.routes : nil) { fast, router, _ in
            let bytes = Self.head("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nZZ\r\n")
            for server in [fast, router] {
                let port = server.port
                let ((response, closed), elapsed) = try await Self.prompt { try Self.exchange(port: port, bytes) }
                let label = "fast path \(server.server.fastPath != nil), WebSocket \(webSocket)"
                // POST /healthz has no route: Hummingbird answers 404 without reading the body.
                #expect(response.status == 404, "\(label): \(response)")
                #expect(response.header("connection") == "close", "\(label): \(response)")
                #expect(closed, "\(label)")
                #expect(elapsed < Self.promptness, "\(label)")
                // The same body cut short later, after the route answered without reading it.
                let closedLater = try await RawHTTPClient.run {
                    let connection = try RawHTTPConnection(port: server.port, timeoutSeconds: Self.readTimeoutSeconds)
                    try connection.send(bytes: Self.head("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"))
                    let answer = try connection.readResponse(to: RawRequest(method: "POST", target: "/healthz"))
                    try connection.send(bytes: Self.head("4\r\nabcd\r\nZZ\r\n"))
                    return answer.status == 404 && connection.closedByPeer()
                }
                #expect(closedLater, "\(label)")
            }
        }
    }
}
