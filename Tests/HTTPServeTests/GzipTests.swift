import Foundation
import HTTPServe
import Hummingbird
import Logging
import NIOCore
import TestSupport
import Testing

@testable import HTTPServe

/// gzip as clients decode it: the encoder's output through Python's `gzip` module, and served
/// playlists through a browser-style HTTP client (Python's `http.client` sending the
/// `Accept-Encoding` Chromium sends, decoding what comes back), byte for byte. The system's
/// `gzip` decodes it too (`HeaderTests.gzipEncoderRoundTrips`).
@Suite("gzip of playlists decoded byte for byte by independent clients", .timeLimit(.minutes(2)))
struct GzipTests {
    /// The system Python, as the other tests that run Python use.
    static let python = "/usr/bin/python3"

    /// Six hours of 2-s segments in one EVENT playlist: about 320 KB.
    static let largePlaylist = Array(Fixture.playlist(segments: 10_800, ended: true).utf8)

    @Test("the encoder's output is one RFC 1952 member that Python's gzip module decodes")
    func encoderOutputDecodes() async throws {
        var random = SeededRandom(seed: 7)
        let inputs: [(name: String, bytes: [UInt8])] = [
            ("empty", []), ("one byte", [0x23]), ("large playlist", Self.largePlaylist),
            ("random bytes", random.bytes(70_000)),
        ]
        for (name, input) in inputs {
            let compressed = Array(try Gzip.compress(ByteBuffer(bytes: input)).readableBytesView)
            // RFC 1952 §2.3: ID1 ID2, CM 8 (deflate), FLG 0 (no name, comment or extra field);
            // the last four bytes are ISIZE, the input's length little-endian.
            #expect(Array(compressed.prefix(4)) == [0x1f, 0x8b, 8, 0], "\(name)")
            #expect(compressed.count >= 18, "\(name)")
            let isize = compressed.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(isize == UInt32(input.count), "\(name)")
            #expect(try await Self.pythonGunzip(compressed) == input, "\(name)")
        }
        let large = try Gzip.compress(ByteBuffer(bytes: Self.largePlaylist))
        #expect(large.readableBytes * 8 < Self.largePlaylist.count, "playlists shrink about ten times")
    }

    @Test("a browser-style client gets playlists of many, one and no bytes gzipped and decodes them byte for byte")
    func browserStyleClientDecodesServedPlaylists() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let bodies: [(stream: String, bytes: [UInt8])] = [("large", Self.largePlaylist), ("one", [0x0a]), ("empty", [])]
        for (stream, bytes) in bodies { try fixture.write(bytes, stream: stream, file: "index.m3u8") }
        try await Self.withServer(fixture) { port, server in
            for (stream, bytes) in bodies {
                // The first request reads and compresses the file (Hummingbird's route), the
                // second is answered from memory on the event loop (the fast path).
                for attempt in 0..<2 {
                    let before = server.fastPath?.answered ?? 0
                    let answer = try await Self.browserFetch(port: port, target: "/hls/\(stream)/index.m3u8")
                    let label = "\(stream), request \(attempt + 1): \(answer)"
                    #expect(answer.status == 200, "\(label)")
                    #expect(answer.contentEncoding == "gzip", "\(label)")
                    #expect(answer.contentLength == answer.received, "\(label)")
                    #expect(answer.decoded == bytes, "\(label)")
                    #expect((server.fastPath?.answered ?? 0) - before == attempt, "\(label)")
                }
            }
        }
    }

    /// Decompresses `bytes` with Python's `gzip.decompress` (which checks the CRC-32 and ISIZE).
    static func pythonGunzip(_ bytes: [UInt8]) async throws -> [UInt8] {
        try Self.requirePython()
        let base = TestScratch.root.path + "/gzip-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".gz")
            try? FileManager.default.removeItem(atPath: base + ".out")
        }
        _ = FileManager.default.createFile(atPath: base + ".gz", contents: Data(bytes))
        let script = """
            import gzip, sys
            data = gzip.decompress(open(sys.argv[1], "rb").read())
            open(sys.argv[2], "wb").write(data)
            """
        // A few milliseconds of work: it need not queue behind the encoders for a slot.
        let result = try await Subprocess.run(Self.python, ["-c", script, base + ".gz", base + ".out"], limited: false)
        try #require(result.status == 0, "gzip.decompress failed: \(result.stderr)")
        return Array(try Data(contentsOf: URL(fileURLWithPath: base + ".out")))
    }

    /// What the browser-style client saw: the response's status and headers, the body's
    /// length on the wire, and the body decoded as the `Content-Encoding` says.
    struct BrowserAnswer: CustomStringConvertible {
        var status: Int
        var contentEncoding: String?
        var contentLength: Int
        var received: Int
        var decoded: [UInt8]

        var description: String {
            "status \(status), Content-Encoding \(contentEncoding ?? "none"), Content-Length \(contentLength), \(received) bytes received, \(decoded.count) decoded"
        }
    }

    /// One GET on a fresh connection by Python's `http.client` with Chromium's
    /// `Accept-Encoding`, the body decoded by Python's `gzip` module when it is gzip.
    static func browserFetch(port: Int, target: String) async throws -> BrowserAnswer {
        try Self.requirePython()
        let output = TestScratch.root.path + "/gzip-body-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let script = """
            import gzip, http.client, json, sys
            connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
            connection.request("GET", sys.argv[2], headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
            response = connection.getresponse()
            body = response.read()
            encoding = response.getheader("Content-Encoding")
            open(sys.argv[3], "wb").write(gzip.decompress(body) if encoding == "gzip" else body)
            print(json.dumps({"status": response.status, "encoding": encoding,
                              "length": int(response.getheader("Content-Length", "-1")), "received": len(body)}))
            """
        let result = try await Subprocess.run(Self.python, ["-c", script, String(port), target, output], limited: false)
        try #require(result.status == 0, "the Python client failed: \(result.stderr)")
        struct Summary: Decodable {
            var status: Int
            var encoding: String?
            var length: Int
            var received: Int
        }
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        return BrowserAnswer(
            status: summary.status, contentEncoding: summary.encoding, contentLength: summary.length,
            received: summary.received, decoded: Array(try Data(contentsOf: URL(fileURLWithPath: output))))
    }

    static func requirePython() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "\(python) is missing: install Debian's python3 (apt-get install python3)")
    }

    /// One server (with the fast path) over `fixture` on a free loopback port.
    static func withServer(_ fixture: Fixture, _ body: (_ port: Int, _ server: HLSServer) async throws -> Void) async throws {
        var logger = Logger(label: "gzip-test")
        logger.logLevel = .critical  // Hummingbird logs the test's cancellation as errors
        let server = try HLSServer(
            configuration: ServeConfiguration(root: fixture.root, www: fixture.www, port: 0), logger: logger)
        let started = try await StartedServer.start(server, logger: logger)
        defer { started.run.cancel() }
        let port = started.port
        try await body(port, server)
    }
}
