import Foundation
import HTTPServe
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import TestSupport
import Testing

@testable import HTTPServe

/// The fast-path handler reads request heads ahead of NIO's HTTP codec: heads split over many
/// reads or pipelined many to a read, and what it hands to Hummingbird (one head at a time, or
/// the whole connection for good), always against the same requests sent to a server without
/// the fast path.
@Suite("the fast path in front of NIO's HTTP/1 codec: split and pipelined heads, hand-over to Hummingbird")
struct FastPathHandOverTests {
    static let playlist = FastPathTests.playlist
    static let segment = FastPathTests.segment

    static func get(_ target: String, _ headers: [(String, String)] = []) -> RawRequest {
        FastPathTests.get(target, headers)
    }

    /// Writes `requests` at once on a fresh connection and reads their answers (fewer when the
    /// server closes the connection first).
    static func pipelined(port: Int, _ requests: [RawRequest]) async throws -> [RawResponse] {
        try await RawHTTPClient.run {
            let connection = try RawHTTPConnection(port: port)
            try connection.send(requests)
            var answers: [RawResponse] = []
            for request in requests {
                guard let answer = try? connection.readResponse(to: request) else { break }
                answers.append(answer.withoutDate)
            }
            return answers
        }
    }

    /// One request on a fresh connection: its answer, and whether the server closed the
    /// connection within 10 s after it (every request sent here ends its connection, so a
    /// passing run does not wait; the 10 s leave room for a busy machine).
    static func answerAndClose(port: Int, _ request: RawRequest) async throws -> (RawResponse?, closed: Bool) {
        try await RawHTTPClient.run {
            let connection = try RawHTTPConnection(port: port)
            try connection.send([request])
            let answer = try? connection.readResponse(to: request)
            return (answer?.withoutDate, connection.closedByPeer(within: 10))
        }
    }

    @Test("a head arriving a byte per TCP segment is read whole: answered on the fast path, or handed over")
    func headSplitAcrossManyWrites() async throws {
        try await ServePair.run { fast, router, _ in
            try await fast.warmUp()
            let requests = [
                Self.get(Self.playlist, [("Accept-Encoding", "gzip"), ("User-Agent", "AppleCoreMedia/1.0")]),
                Self.get("/healthz"), Self.get(Self.segment, [("Range", "bytes=-10")]),
            ]
            let before = fast.answered
            let answers = try await RawHTTPClient.run {
                let connection = try RawHTTPConnection(port: fast.port)
                return try requests.map { request in
                    try connection.sendByteByByte(request.bytes)
                    return try connection.readResponse(to: request).withoutDate
                }
            }
            #expect(fast.answered - before == 2)
            for (request, answer) in zip(requests, answers) {
                #expect(answer == (try await RawHTTPClient.fetch(port: router.port, request)).withoutDate, "\(request)")
            }
        }
    }

    @Test("fast, routed, fast in one write: in order, the third waits behind the second; the fast path takes the next")
    func pipelinedFastRoutedFast() async throws {
        try await ServePair.run { fast, router, _ in
            try await fast.warmUp()
            let requests = [Self.get(Self.playlist), Self.get("/app.js"), Self.get(Self.segment)]
            let next = FastPathTests.head(Self.playlist)
            let before = fast.answered
            let (answers, answeredInBatch, last) = try await RawHTTPClient.run {
                let connection = try RawHTTPConnection(port: fast.port)
                try connection.send(requests)
                let answers = try requests.map { try connection.readResponse(to: $0).withoutDate }
                let answeredInBatch = fast.answered - before
                return (answers, answeredInBatch, try connection.exchange(next).withoutDate)
            }
            #expect(answeredInBatch == 1)
            #expect(fast.answered - before == 2)
            #expect(answers == (try await Self.pipelined(port: router.port, requests)))
            #expect(last == (try await RawHTTPClient.fetch(port: router.port, next)).withoutDate)
        }
    }

    @Test("a request with a body or a chunked one after fast ones hands the connection over for good")
    func bodiesHandTheConnectionOver() async throws {
        try await ServePair.run { fast, router, _ in
            try await fast.warmUp()
            let withBody = RawRequest(
                method: "POST", target: "/api/streams", headers: [("Content-Length", "5")], body: Array("hello".utf8))
            let chunked = RawRequest(
                method: "POST", target: "/api/streams", headers: [("Transfer-Encoding", "chunked")],
                body: Array("5\r\nhello\r\n0\r\n\r\n".utf8))
            let bodyOnAGet = RawRequest(
                method: "GET", target: Self.segment, headers: [("Content-Length", "3")], body: Array("abc".utf8))
            for odd in [withBody, chunked, bodyOnAGet] {
                let requests = [Self.get(Self.playlist), odd, Self.get(Self.segment), FastPathTests.head(Self.playlist)]
                let before = fast.answered
                let answers = try await Self.pipelined(port: fast.port, requests)
                #expect(fast.answered - before == 1, "\(odd)")
                let expected = try await Self.pipelined(port: router.port, requests)
                #expect(answers == expected, "\(odd)")
                #expect(answers.count >= 2, "\(odd): \(answers.count) answers")
            }
        }
    }

    @Test("field names in odd case, padded values, and spellings NIO refuses: read as NIO reads them")
    func spellings() async throws {
        try await ServePair.run { fast, router, _ in
            try await fast.warmUp()
            try await router.warmUp()
            let cases: [FastPathTests.Case] = [
                (Self.get(Self.playlist, [("aCCEPT-eNCODING", "gzip")]), true),
                (Self.get(Self.segment, [("rAnGe", "bytes=0-9")]), true),
                (Self.get(Self.playlist, [("Range", "bytes=0-9 \t")]), true),
                (Self.get(Self.segment, [("if-none-match", "\"other\"")]), true),
                (Self.get(Self.segment, [("CONNECTION", "KEEP-ALIVE")]), true),
                (Self.get(Self.segment, [("X-Padded", "  spaced  "), ("X-Empty", "")]), true),
                (Self.get(Self.segment, [("content-LENGTH", "0")]), false),
                (Self.get(Self.segment, [("Connection", "keep-alive, TE"), ("TE", "trailers")]), false),
                (Self.get(Self.segment, [("Transfer-Encoding", "identity")]), false),
                (Self.get("http://localhost" + Self.segment), false),
                (RawRequest(method: "GET", target: Self.segment, version: "HTTP/1.0"), false),
                (RawRequest(method: "GET", target: Self.segment, headers: [("Connection", "keep-alive")], version: "HTTP/1.0"), false),
            ]
            try await FastPathTests.expectSameAnswers(cases, fast: fast, router: router)
        }
    }

    @Test("malformed and over-long heads get the same answer as without the fast path")
    func malformedAndOverLongHeads() async throws {
        try await ServePair.run { fast, router, _ in
            _ = try await RawHTTPClient.fetch(port: fast.port, Self.get(Self.segment))
            let heads = [
                RawRequest(method: "get", target: Self.segment),
                Self.get(Self.segment, [("X Space", "a")]),
                Self.get(Self.segment, [("X-Long", String(repeating: "a", count: RequestLimits.maxHeaderFieldSize + 1))]),
                Self.get(Self.segment, (0...RequestLimits.maxHeaderFieldCount).map { ("X-F\($0)", "v") }),
                Self.get(Self.segment, (0..<40).map { ("X-Big\($0)", String(repeating: "b", count: 1000)) }),
            ]
            for request in heads {
                let before = fast.answered
                let (answer, closed) = try await Self.answerAndClose(port: fast.port, request)
                let (expected, expectedClosed) = try await Self.answerAndClose(port: router.port, request)
                #expect(answer == expected && closed == expectedClosed, "\(request.bytes.count) bytes")
                #expect(expected?.status == 431 || expected?.status == 400, "\(String(describing: expected))")
                #expect(fast.answered == before)
            }
        }
    }

    @Test("Connection: close and HTTP/1.0 go to Hummingbird, which answers them as without the fast path")
    func closeAndHTTP10() async throws {
        try await ServePair.run { fast, router, _ in
            _ = try await RawHTTPClient.fetch(port: fast.port, Self.get(Self.segment))
            let requests = [
                Self.get(Self.segment, [("Connection", "close")]),
                RawRequest(method: "GET", target: Self.segment, version: "HTTP/1.0"),
            ]
            for request in requests {
                let before = fast.answered
                let (answer, closed) = try await Self.answerAndClose(port: fast.port, request)
                let (expected, expectedClosed) = try await Self.answerAndClose(port: router.port, request)
                #expect(answer == expected && answer?.status == 200, "\(request.bytes.count) bytes")
                #expect(closed == expectedClosed, "\(request.bytes.count) bytes")
                #expect(fast.answered == before)
            }
            #expect(try await Self.answerAndClose(port: fast.port, requests[0]).closed)
        }
    }

    @Test("a WebSocket upgrade is left to Hummingbird: it opens, even after fast-path answers, and outlives the idle timeout")
    func webSocketUpgrade() async throws {
        try await ServePair.run(configure: { $0.idleTimeoutSeconds = 2 }, webSocketRoutes: EchoWebSocket.routes) { fast, router, _ in
            _ = try await RawHTTPClient.fetch(port: fast.port, Self.get(Self.segment))
            let upgrade = Self.get(
                "/echo",
                [
                    ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                    ("Sec-WebSocket-Version", "13"),
                ])
            let expected = try await RawHTTPClient.fetch(port: router.port, upgrade).withoutDate
            #expect(expected.status == 101)
            for fastRequestsFirst in [0, 2] {
                let before = fast.answered
                let (switched, echo) = try await RawHTTPClient.run {
                    let connection = try RawHTTPConnection(port: fast.port)
                    for _ in 0..<fastRequestsFirst { _ = try connection.exchange(Self.get(Self.segment)) }
                    let switched = try connection.exchange(upgrade).withoutDate
                    // Longer than the HTTP idle timeout, which must not close a WebSocket. The timeout
                    // is 2 s, not less, so that a loaded machine's pause between this client's
                    // requests does not run into it before the upgrade.
                    usleep(4_500_000)
                    try connection.send(bytes: EchoWebSocket.maskedTextFrame("ping"))
                    return (switched, try connection.read(count: 6))
                }
                #expect(switched == expected, "after \(fastRequestsFirst) fast-path requests")
                #expect(echo == [0x81, 4] + Array("ping".utf8), "after \(fastRequestsFirst) fast-path requests")
                #expect(fast.answered - before == fastRequestsFirst)
            }
        }
    }
}

/// A WebSocket route that sends every text message back.
enum EchoWebSocket {
    static let routes: WebSocketRoutes = { router in
        router.ws("/echo") { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1024) {
                if case .text(let text) = message { try await outbound.write(.text(text)) }
            }
        }
    }

    /// A client's text frame (RFC 6455 §5.2: FIN, opcode 1, masked, length < 126).
    static func maskedTextFrame(_ text: String) -> [UInt8] {
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        let payload = Array(text.utf8)
        return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $1 ^ mask[$0 % 4] }
    }
}

/// Connections closed by the server log nothing above info, in the WebSocket variant too,
/// where NIO's upgrade handler is still waiting for a first request when the fast path answered
/// all of them (it used to fail its result, which Hummingbird logged as an error).
@Suite("connections the fast path served close without error logs")
struct FastPathCloseLogTests {
    @Test func idleTimeoutAndShutdown() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("live")
        let recorder = RecordingLogHandler.Lines()
        var logger = recorder.logger(label: "fast-path-close")
        logger.logLevel = .info
        let server = try HLSServer(
            configuration: ServeConfiguration(root: fixture.root, port: 0, idleTimeoutSeconds: 1), logger: logger,
            webSocketRoutes: WebSocketUpgradesOn.routes)
        let started = try await StartedServer.start(server, logger: logger)
        let port = started.port
        _ = try await RawHTTPClient.fetch(port: port, FastPathTests.get(FastPathTests.segment))
        let closedWhenIdle = try await RawHTTPClient.run {
            let connection = try RawHTTPConnection(port: port)
            _ = try connection.exchange(FastPathTests.get(FastPathTests.segment))
            return connection.closedByPeer()
        }
        let open = try await RawHTTPClient.run { () -> RawHTTPConnectionBox in
            let connection = try RawHTTPConnection(port: port)
            _ = try connection.exchange(FastPathTests.get(FastPathTests.segment))
            return RawHTTPConnectionBox(connection)
        }
        await started.group.triggerGracefulShutdown()
        #expect(try await RawHTTPClient.run { open.connection.closedByPeer() })
        try await started.run.value
        #expect(closedWhenIdle && server.fastPath?.answered == 2)
        #expect(recorder.all.filter { !$0.hasPrefix("info") } == [])
    }
}
