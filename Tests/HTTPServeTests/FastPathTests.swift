import Foundation
import HTTPServe
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

@testable import HTTPServe

/// The event-loop fast path for `/hls/<stream>/<file>` (`StreamFileFastPath`) against the
/// Hummingbird route it stands in for: two real servers over the same files, one with the
/// fast path and one without, asked the same raw requests over sockets.
@Suite("stream files answered on the event loop, byte for byte as the router answers them")
struct FastPathTests {
    /// A request and whether the fast path must take it (false: it must go to Hummingbird).
    typealias Case = (request: RawRequest, fast: Bool)

    static func get(_ target: String, _ headers: [(String, String)] = []) -> RawRequest {
        RawRequest(method: "GET", target: target, headers: headers)
    }

    static func head(_ target: String, _ headers: [(String, String)] = []) -> RawRequest {
        RawRequest(method: "HEAD", target: target, headers: headers)
    }

    static let playlist = "/hls/live/index.m3u8"
    static let segment = "/hls/live/seg0.m4s"
    static let big = "/hls/live/big.m4s"

    /// Requests that fill the file cache and make the gzip encodings (the fast path answers
    /// only from memory, so the first request for each file version goes to Hummingbird).
    static let warmUp: [RawRequest] = [
        get(playlist), get(playlist, [("Accept-Encoding", "gzip")]), get("/hls/done/index.m3u8"),
        get(segment), get("/hls/live/init.mp4"), get("/hls/inside/index.m3u8"),
    ]

    /// Everything the route does, with the validators of the files on disk.
    static func matrix(etag: String, segmentTag: String, bigTag: String, playlistDate: String, segmentDate: String)
        -> [Case]
    {
        let later = HTTPDate.format(secondsSince1970: HTTPDate.parse(playlistDate)! + 1)
        let gzipTag = String(etag.dropLast()) + "-gz\""
        return [
            // Plain GET and HEAD; live and ended playlists; a query string.
            (get(playlist), true), (head(playlist), true), (get(playlist + "?_HLS_msn=3&_HLS_part=0"), true),
            (get("/hls/done/index.m3u8"), true), (head("/hls/done/index.m3u8"), true),
            (get(segment), true), (head(segment), true), (get("/hls/live/init.mp4"), true),
            (get(segment, [("Connection", "keep-alive")]), true),
            // Conditional requests.
            (get(playlist, [("If-None-Match", etag)]), true), (get(playlist, [("If-None-Match", "\"x\", \(etag)")]), true),
            (get(playlist, [("If-None-Match", "*")]), true), (get(playlist, [("If-None-Match", "\"other\"")]), true),
            (get(playlist, [("If-None-Match", "W/\(etag)")]), true),
            (get(playlist, [("If-Modified-Since", playlistDate)]), true), (get(playlist, [("If-Modified-Since", later)]), true),
            (get(segment, [("If-Modified-Since", segmentDate)]), true),
            (get(segment, [("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]), true),
            (get(segment, [("If-Modified-Since", segmentDate), ("If-None-Match", "\"other\"")]), true),
            (head(segment, [("If-None-Match", segmentTag)]), true),
            // Ranges, suffix ranges, 416, ignored ranges, If-Range.
            (get(segment, [("Range", "bytes=0-9")]), true), (get(segment, [("Range", "bytes=990-")]), true),
            (get(segment, [("Range", "bytes=-10")]), true), (get(segment, [("Range", "bytes=-5000")]), true),
            (get(segment, [("Range", "bytes=1000-")]), true), (get(segment, [("Range", "bytes=-0")]), true),
            (get(segment, [("Range", "bytes=0-1,5-6")]), true), (get(segment, [("Range", "bytes=9-1")]), true),
            (get(segment, [("Range", "items=0-1")]), true), (head(segment, [("Range", "bytes=0-9")]), true),
            (get(segment, [("Range", "bytes=0-9"), ("If-Range", segmentTag)]), true),
            (get(segment, [("Range", "bytes=0-9"), ("If-Range", "\"old\"")]), true),
            (get(segment, [("Range", "bytes=0-9"), ("If-Range", segmentDate)]), true),
            (get(playlist, [("Range", "bytes=-20")]), true),
            // gzip (the encoding was made during the warm-up).
            (get(playlist, [("Accept-Encoding", "gzip")]), true), (head(playlist, [("Accept-Encoding", "gzip")]), true),
            (get(playlist, [("Accept-Encoding", "br;q=1.0, gzip;q=0.8")]), true),
            (get(playlist, [("Accept-Encoding", "gzip;q=0")]), true),
            (get(playlist, [("Accept-Encoding", "gzip"), ("Range", "bytes=0-6")]), true),
            (get(playlist, [("Accept-Encoding", "gzip"), ("If-None-Match", gzipTag)]), true),
            (get(segment, [("Accept-Encoding", "gzip")]), true),
            // Missing files, refused names, symlinks out of and inside the root.
            (get("/hls/live/missing.m4s"), true), (get("/hls/nostream/index.m3u8"), true),
            (get("/hls/../passwd"), true), (get("/hls/live/.."), true), (get("/hls/./live"), true),
            (get("/hls/live/.seg0.m4s.tmp"), true), (get("/hls/.hidden/index.m3u8"), true),
            (get("/hls/escape/index.m3u8"), true), (get("/hls/live/passwd-link"), true),
            (get("/hls/inside/index.m3u8"), true), (head("/hls/live/missing.m4s"), true),
            // Too big for the cache: only answers without a body stay on the fast path.
            (head(big), true), (get(big, [("If-None-Match", bigTag)]), true), (get(big, [("Range", "bytes=20000-")]), true),
            (get(big), false), (get(big, [("Range", "bytes=0-9")]), false), (get(big, [("Range", "bytes=-7")]), false),
            // Other shapes and spellings: Hummingbird's route and middleware answer them.
            (get("/hls/%2e%2e/%2e%2e/etc/passwd"), false), (get("/hls/live%2fseg0.m4s"), false),
            (get("/hls/live/seg0.m4s%00.m3u8"), false), (get("/hls//etc/passwd"), false),
            (get("/hls/live//seg0.m4s"), false), (get("/hls/live/sub/seg0.m4s"), false), (get("/hls/live"), false),
            (get("/hls/live/"), false), (get("/hls/"), false), (get("/hls/live/" + String(repeating: "a", count: 3000)), false),
            (
                RawRequest(method: "GET", target: segment, headers: [("Content-Length", "100")], body: Array(repeating: 1, count: 100)),
                false
            ),
            (get(segment, [("Content-Length", "0")]), false), (get(segment, [("Expect", "100-continue")]), false),
            (RawRequest(method: "POST", target: segment), false),
            (
                RawRequest(
                    method: "OPTIONS", target: segment, headers: [("Origin", "http://x"), ("Access-Control-Request-Method", "GET")]), false
            ),
            (get(segment, [("Connection", "close")]), false),
            (get("/HLS/live/seg0.m4s"), false), (get("/app.js"), false), (get("/api/streams/live"), false),
        ]
    }

    @Test("a matrix of requests: same status, header lines in order and body; the fast path took the ones it should")
    func sameAnswersAsTheRouter() async throws {
        try await ServePair.run { fast, router, fixture in
            try await fast.warmUp()
            try await router.warmUp()
            let playlist = try await RawHTTPClient.fetch(port: router.port, Self.get(Self.playlist))
            let segment = try await RawHTTPClient.fetch(port: router.port, Self.get(Self.segment))
            let big = try await RawHTTPClient.fetch(port: router.port, Self.head(Self.big))
            let cases = Self.matrix(
                etag: try #require(playlist.header("etag")), segmentTag: try #require(segment.header("etag")),
                bigTag: try #require(big.header("etag")), playlistDate: try #require(playlist.header("last-modified")),
                segmentDate: try #require(segment.header("last-modified")))
            try await Self.expectSameAnswers(cases, fast: fast, router: router)
            // A file written after the warm-up: its first request fills the cache through Hummingbird.
            try fixture.write([1, 2, 3], stream: "live", file: "seg9.m4s")
            for expectFast in [false, true] {
                let before = fast.answered
                let answer = try await RawHTTPClient.fetch(port: fast.port, Self.get("/hls/live/seg9.m4s"))
                #expect(answer.body == [1, 2, 3])
                #expect(fast.answered - before == (expectFast ? 1 : 0))
            }
        }
    }

    /// Asks both servers each request on a fresh connection: the same status, header lines in
    /// order and body, and the fast path took exactly the requests it should.
    static func expectSameAnswers(_ cases: [Case], fast: ServePair.Running, router: ServePair.Running) async throws {
        for (request, expectFast) in cases {
            let before = fast.answered
            let fromFastServer = try await RawHTTPClient.fetch(port: fast.port, request)
            let tookFastPath = fast.answered - before
            let fromRouter = try await RawHTTPClient.fetch(port: router.port, request)
            #expect(fromFastServer.withoutDate == fromRouter.withoutDate, "\(request)")
            #expect(tookFastPath == (expectFast ? 1 : 0), "\(request): fast path took it \(tookFastPath) times")
            #expect(fromFastServer.header("date")?.hasSuffix(" GMT") == true, "\(request)")
        }
    }

    @Test("a new playlist version: gzip is made off the event loop once, then answered on it; ENDLIST changes caching")
    func newPlaylistVersion() async throws {
        try await ServePair.run { fast, router, fixture in
            let plain = Self.get(Self.playlist)
            let gzip = Self.get(Self.playlist, [("Accept-Encoding", "gzip")])
            _ = try await RawHTTPClient.fetch(port: fast.port, gzip)
            try fixture.write(Fixture.playlist(segments: 4, ended: true), stream: "live", file: "index.m3u8")
            // The new version is read into the cache, its gzip encoding made (both by
            // Hummingbird), then both are answered from memory.
            for (request, expectFast) in [(plain, false), (gzip, false), (gzip, true), (plain, true)] {
                let before = fast.answered
                let answer = try await RawHTTPClient.fetch(port: fast.port, request)
                #expect(fast.answered - before == (expectFast ? 1 : 0), "\(request)")
                #expect(answer.withoutDate == (try await RawHTTPClient.fetch(port: router.port, request)).withoutDate)
                #expect(answer.header("cache-control") == "public, max-age=10")
                #expect(String(decoding: answer.body, as: UTF8.self).contains("seg3.m4s") || answer.header("content-encoding") == "gzip")
            }
        }
    }

    @Test("pipelined requests, some answered on the event loop and some by Hummingbird, come back in order")
    func pipelinedRequestsInOrder() async throws {
        try await ServePair.run { fast, router, _ in
            try await fast.warmUp()
            let hls = [Self.get(Self.playlist), Self.get(Self.segment), Self.head(Self.playlist), Self.get("/hls/live/init.mp4")]
            let other = [Self.get("/api/streams"), Self.get("/app.js"), Self.get("/healthz"), Self.get("/hls/%2e%2e/x")]
            var expected: [String: RawResponse] = [:]
            for request in hls + other {
                expected[request.description] = try await RawHTTPClient.fetch(port: router.port, request).withoutDate
            }
            let orders: [[RawRequest]] = [
                [hls[0], other[0]], [other[0], hls[0]], [hls[0], other[1], hls[1]],
                (0..<40).map { $0 % 3 == 2 ? other[$0 % 4] : hls[$0 % 4] },
                (0..<40).map { $0 % 5 == 0 ? other[($0 / 5) % 4] : hls[$0 % 4] },
            ]
            for requests in orders {
                let answers = try await RawHTTPClient.run {
                    let connection = try RawHTTPConnection(port: fast.port)
                    try connection.send(requests)
                    return try requests.map { try connection.readResponse(to: $0) }
                }
                for (request, answer) in zip(requests, answers) {
                    let want = try #require(expected[request.description])
                    if request.target.hasPrefix("/api/") {
                        // The stream list has a clock in it: compare what identifies it.
                        #expect(answer.status == want.status && answer.header("content-type") == want.header("content-type"))
                        #expect(String(decoding: answer.body, as: UTF8.self).contains("\"streams\""), "\(request)")
                    } else {
                        #expect(answer.withoutDate == want, "\(request) in \(requests.map(\.target))")
                    }
                }
            }
            // The first of a pipelined batch is answered on the event loop when it can be.
            let before = fast.answered
            _ = try await RawHTTPClient.run {
                let connection = try RawHTTPConnection(port: fast.port)
                try connection.send([hls[0], hls[1]])
                return try [hls[0], hls[1]].map { try connection.readResponse(to: $0) }
            }
            #expect(fast.answered - before == 2)
        }
    }

    @Test("metrics count fast-path requests by route and status exactly as routed ones")
    func metricsLikeTheRouter() async throws {
        try await ServePair.run { fast, router, _ in
            let requests =
                Self.warmUp + [
                    Self.get(Self.playlist), Self.head(Self.segment), Self.get("/hls/live/missing.m4s"), Self.get("/hls/../x"),
                    Self.get(Self.segment, [("Range", "bytes=5000-")]), Self.get(Self.segment, [("Range", "bytes=0-1")]),
                    Self.get("/hls/%2e%2e/x"),
                ]
            let before = fast.answered
            for request in requests {
                _ = try await RawHTTPClient.fetch(port: fast.port, request)
                _ = try await RawHTTPClient.fetch(port: router.port, request)
            }
            #expect(fast.answered - before >= 6)
            func counts(_ port: Int) async throws -> [String] {
                let text = String(decoding: try await RawHTTPClient.fetch(port: port, Self.get("/metrics")).body, as: UTF8.self)
                return text.split(separator: "\n").map(String.init).filter {
                    ($0.hasPrefix("hlsseg_http_requests_total{") || $0.hasPrefix("hlsseg_http_request_duration_seconds_count{"))
                        && $0.contains("route=\"/hls/**\"")
                }.sorted()
            }
            let fastCounts = try await counts(fast.port)
            #expect(fastCounts == (try await counts(router.port)))
            #expect(fastCounts.contains { $0.contains("status=\"404\"") && $0.hasSuffix(" 1") })
            #expect(fastCounts.contains { $0.contains("status=\"416\"") })
        }
    }

    @Test("a connection busy only with fast-path requests is not closed as idle; an idle one is")
    func idleTimeoutSeesFastPathTraffic() async throws {
        try await ServePair.run(configure: { $0.idleTimeoutSeconds = 1 }) { fast, _, _ in
            _ = try await RawHTTPClient.fetch(port: fast.port, Self.get(Self.segment))
            let before = fast.answered
            let closedWhenIdle = try await RawHTTPClient.run {
                let connection = try RawHTTPConnection(port: fast.port)
                for _ in 0..<10 {
                    let answer = try connection.exchange(Self.get(Self.segment))
                    guard answer.status == 200 else { throw RawHTTPConnection.Failure(description: "\(answer)") }
                    usleep(250_000)
                }
                return connection.closedByPeer()
            }
            #expect(fast.answered - before == 10)
            #expect(closedWhenIdle)
        }
    }

    @Test("graceful shutdown closes a keep-alive connection that only the fast path served")
    func gracefulShutdownClosesFastPathConnections() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("live")
        var logger = Logger(label: "fast-path-test")
        logger.logLevel = .critical
        let server = try HLSServer(configuration: ServeConfiguration(root: fixture.root, port: 0), logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.buildApplication { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        _ = try await RawHTTPClient.fetch(port: port, Self.get(Self.segment))
        let connection = try await RawHTTPClient.run { () -> RawHTTPConnectionBox in
            let connection = try RawHTTPConnection(port: port)
            _ = try connection.exchange(Self.get(Self.segment))
            return RawHTTPConnectionBox(connection)
        }
        #expect(server.fastPath?.answered == 1)
        await group.triggerGracefulShutdown()
        #expect(try await RawHTTPClient.run { connection.connection.closedByPeer() })
    }

    @Test("the WebSocket-upgrade server variant has the fast path too, from a connection's first request on")
    func webSocketVariant() async throws {
        try await ServePair.run(webSocketRoutes: WebSocketUpgradesOn.routes) { fast, router, _ in
            try await fast.warmUp()
            for request in [Self.get(Self.playlist), Self.head(Self.segment), Self.get(Self.segment, [("Range", "bytes=-3")])] {
                let before = fast.answered
                let answer = try await RawHTTPClient.fetch(port: fast.port, request)
                #expect(fast.answered - before == 1, "\(request)")
                #expect(answer.withoutDate == (try await RawHTTPClient.fetch(port: router.port, request)).withoutDate)
            }
            let answers = try await RawHTTPClient.run {
                let connection = try RawHTTPConnection(port: fast.port)
                let requests = [Self.get(Self.playlist), Self.get("/healthz"), Self.get(Self.segment)]
                try connection.send(requests)
                return try requests.map { try connection.readResponse(to: $0) }
            }
            #expect(answers.map(\.status) == [200, 200, 200])
            #expect(answers[1].body == Array("{\"status\":\"ok\"}".utf8))
            #expect(answers[2].body.count == 1000)
        }
    }
}

/// The WebSocket routes of `HLSServer.init(configuration:metrics:logger:webSocketRoutes:)`.
typealias WebSocketRoutes = @Sendable (Router<ServeRequestContext>) -> Void

/// Turns on `.http1WebSocketUpgrade` (the server variant with the WebSocket ingest) without any route.
enum WebSocketUpgradesOn {
    static let routes: WebSocketRoutes = { _ in }
}

/// Two servers over one fixture: `fast` with the fast path, `router` without.
enum ServePair {
    struct Running: Sendable {
        let port: Int
        let server: HLSServer
        var answered: Int { server.fastPath?.answered ?? 0 }

        /// Sends `FastPathTests.warmUp`, so that the files it names are answered from memory.
        func warmUp() async throws {
            for request in FastPathTests.warmUp { _ = try await RawHTTPClient.fetch(port: port, request) }
        }
    }

    /// The fixture: streams `live` (playlist, 1000-byte segment, init, a 10 000-byte segment
    /// above the 4 KiB cache limit) and `done` (ended), plus symlinks in and out of the root.
    static func run(
        configure: (inout ServeConfiguration) -> Void = { _ in }, webSocketRoutes: WebSocketRoutes? = nil,
        _ body: (_ fast: Running, _ router: Running, _ fixture: Fixture) async throws -> Void
    ) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("live")
        try fixture.makeSimpleStream("done", ended: true)
        try fixture.write((0..<10_000).map { UInt8($0 % 251) }, stream: "live", file: "big.m4s")
        let base = (fixture.root as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try "#EXTM3U\n".write(toFile: base + "/outside/index.m3u8", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/escape", withDestinationPath: base + "/outside")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/live/passwd-link", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inside", withDestinationPath: fixture.root + "/live")

        var configuration = ServeConfiguration(root: fixture.root, www: fixture.www, port: 0, maxCachedFileSize: 4096)
        configure(&configuration)
        var logger = Logger(label: "fast-path-test")
        logger.logLevel = .critical  // Hummingbird logs the test's cancellation as errors
        var routerConfiguration = configuration
        routerConfiguration.streamFastPath = false
        let fast = try HLSServer(configuration: configuration, logger: logger, webSocketRoutes: webSocketRoutes)
        let router = try HLSServer(configuration: routerConfiguration, logger: logger, webSocketRoutes: webSocketRoutes)
        var tasks: [Task<Void, any Error>] = []
        defer { for task in tasks { task.cancel() } }
        var ports: [Int] = []
        for server in [fast, router] {
            let (port, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = server.buildApplication { channel in continuation.yield(channel.localAddress?.port ?? 0) }
            tasks.append(Task { try await app.runService(gracefulShutdownSignals: []) })
            var iterator = port.makeAsyncIterator()
            ports.append(try #require(await iterator.next()))
        }
        try await body(Running(port: ports[0], server: fast), Running(port: ports[1], server: router), fixture)
    }
}
