import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

@testable import HTTPServe

/// `RequestHead` and `RequestHeadReader` without I/O: heads cut out of a byte stream however it
/// arrives, the subset they take and what they leave to NIO's decoder, and NIO's decoder as the
/// oracle: every head read here must be one it reads the same way, ending at the same byte.
@Suite("request heads read ahead of NIO's HTTP/1 decoder")
struct RequestHeadTests {
    /// Heads of every kind the reader takes.
    static let readable: [String] = [
        "GET /hls/live/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
        "HEAD /hls/live/seg0.m4s?_HLS_msn=3&_HLS_part=0 HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n",
        "GET /hls/live/index.m3u8 HTTP/1.1\r\nhost: x\r\naCCEPT-eNCODING:gzip, br\r\nUser-Agent: \tAppleCoreMedia/1.0  \r\n\r\n",
        "OPTIONS * HTTP/1.1\r\n\r\n",
        "POST /api HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "GET /x HTTP/1.1\r\nCONNECTION: Keep-Alive\r\nX-Empty:\r\nX-Tokens!#$%&'*+-.^_`|~: v\r\n\r\n",
        "DELETE /a%20b?x=\"{}|\\^`[]@ HTTP/1.1\r\n\r\n",
    ]

    /// Heads the reader leaves to NIO's decoder, and why.
    static let unreadable: [(why: String, bytes: [UInt8])] =
        [
            ("HTTP/1.0", "GET / HTTP/1.0\r\nHost: x\r\n\r\n"),
            ("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            ("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\n\r\n"),
            ("a method outside the list", "PURGE / HTTP/1.1\r\n\r\n"),
            ("a lower-case method", "get / HTTP/1.1\r\n\r\n"),
            ("two spaces", "GET  / HTTP/1.1\r\n\r\n"),
            ("no target", "GET HTTP/1.1\r\n\r\n"),
            ("absolute form", "GET http://example.com/hls/live/seg0.m4s HTTP/1.1\r\n\r\n"),
            ("a relative target", "GET hls/live/seg0.m4s HTTP/1.1\r\n\r\n"),
            ("bare LF", "GET / HTTP/1.1\nHost: x\n\n"),
            ("a CR alone", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n"),
            ("a leading empty line", "\r\nGET / HTTP/1.1\r\n\r\n"),
            ("a body", "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
            ("two Content-Length fields", "GET / HTTP/1.1\r\nContent-Length: 0\r\ncontent-length: 0\r\n\r\n"),
            ("chunked", "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            ("an upgrade", "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
            ("Expect", "GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"),
            ("Connection: close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
            ("a Connection list", "GET / HTTP/1.1\r\nConnection: keep-alive, TE\r\n\r\n"),
            ("space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
            ("a folded line", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n"),
            ("no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n"),
            ("a non-token name", "GET / HTTP/1.1\r\nX(A): a\r\n\r\n"),
            ("obs-text", "GET / HTTP/1.1\r\nX-A: caf\u{E9}\r\n\r\n"),
            ("NUL", "GET / HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n"),
            ("DEL", "GET /\u{7F} HTTP/1.1\r\n\r\n"),
            ("a field value over the decoder's limit", "GET / HTTP/1.1\r\nX-A: \(String(repeating: "a", count: 8193))\r\n\r\n"),
            ("more fields than the decoder takes", "GET / HTTP/1.1\r\n\(String(repeating: "X-A: a\r\n", count: 101))\r\n"),
            (
                "no end within the limit",
                "GET / HTTP/1.1\r\n" + String(repeating: "X-A: \(String(repeating: "a", count: 1000))\r\n", count: 33)
            ),
        ].map { ($0.0, Array($0.1.utf8)) } + [("a TLS handshake", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03])]

    /// Everything `bytes` gives when fed in pieces of the sizes `chunks` makes.
    static func read(_ bytes: [UInt8], chunks: (Int) -> Int) -> (heads: [[UInt8]], unreadable: [UInt8]?) {
        var reader = RequestHeadReader()
        var heads: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let count = min(chunks(offset), bytes.count - offset)
            reader.append(ByteBuffer(bytes: bytes[offset..<offset + count]))
            offset += count
            reading: while true {
                switch reader.next() {
                case .head(let head): heads.append(Array(head.bytes.readableBytesView))
                case .needMore: break reading
                case .unreadable: return (heads, Array(reader.takeBuffered()!.readableBytesView) + bytes[offset...])
                }
            }
        }
        return (heads, nil)
    }

    @Test("pipelined heads come out whole and in order, one read or one byte at a time or anything between")
    func readsHeadsHoweverTheBytesArrive() {
        let stream = Self.readable.flatMap { Array($0.utf8) }
        let expected = Self.readable.map { Array($0.utf8) }
        #expect(Self.read(stream, chunks: { _ in stream.count }).heads == expected)
        #expect(Self.read(stream, chunks: { _ in 1 }).heads == expected)
        var random = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let result = Self.read(stream, chunks: { _ in Int.random(in: 1...64, using: &random) })
            #expect(result.heads == expected && result.unreadable == nil)
        }
    }

    @Test("every proper prefix of a head waits for more; none is a head")
    func truncationSweep() {
        for text in Self.readable {
            let bytes = Array(text.utf8)
            for length in 0..<bytes.count {
                let prefix = Array(bytes[..<length])
                let result = Self.read(prefix, chunks: { _ in prefix.count })
                #expect(result.heads.isEmpty && result.unreadable == nil, "\(length) bytes of \(text.debugDescription)")
                #expect(RequestHead(ByteBuffer(bytes: prefix)) == nil)
            }
        }
    }

    @Test("a head outside the subset is left to NIO's decoder from its first byte, with everything after it")
    func leavesTheRestToTheDecoder() {
        let before = Array(Self.readable[0].utf8)
        let after = Array(Self.readable[1].utf8)
        for (why, bytes) in Self.unreadable {
            let stream = before + bytes + after
            for chunkSize in [stream.count, 1, 7] {
                let result = Self.read(stream, chunks: { _ in chunkSize })
                #expect(result.heads == [before], "\(why), \(chunkSize) bytes a read")
                #expect(result.unreadable == bytes + after, "\(why), \(chunkSize) bytes a read")
            }
        }
    }

    @Test("a byte no head may contain is given up on at once, not after waiting for the end of the head")
    func givesUpAtTheFirstImpossibleByte() {
        for start in ["GET / HTTP/1.1\n", "GET /\u{0}", "\u{16}\u{3}", "GET / HTTP/1.1\r\nX-A: \u{80}"] {
            var reader = RequestHeadReader()
            reader.append(ByteBuffer(string: start))
            guard case .unreadable = reader.next() else {
                Issue.record("\(start.debugDescription) was not given up on")
                continue
            }
        }
    }

    @Test("field names in any case; values without surrounding whitespace; what decides answering and keeping")
    func shapeAndFields() throws {
        let head = try #require(RequestHead(ByteBuffer(string: Self.readable[2])))
        #expect(head.method == .get && head.target == "/hls/live/index.m3u8")
        let fields = head.fields.map { "\($0.name.rawName)=\($0.value)" }
        #expect(fields == ["host=x", "aCCEPT-eNCODING=gzip, br", "User-Agent=AppleCoreMedia/1.0"])
        #expect(head.shape.acceptEncoding == ["gzip, br"] && !head.shape.conditionalOrRange && !head.shape.hasContentLength)
        #expect(head.shape.memoKey(method: .get, kind: .playlist) == 2)
        #expect(head.shape.memoKey(method: .get, kind: .media) == 0)

        let ranged = try #require(RequestHead(ByteBuffer(string: "HEAD /x HTTP/1.1\r\nrAnGe: bytes=0-1\r\n\r\n")))
        #expect(ranged.method == .head && ranged.shape.conditionalOrRange && ranged.shape.memoKey(method: .head, kind: .media) == nil)
        for validator in ["IF-NONE-MATCH: \"a\"", "if-modified-since: x", "If-Range: \"a\""] {
            #expect(RequestHead(ByteBuffer(string: "GET /x HTTP/1.1\r\n\(validator)\r\n\r\n"))?.shape.conditionalOrRange == true)
        }
        let plainHead = try #require(RequestHead(ByteBuffer(string: "HEAD /x HTTP/1.1\r\nConnection: KEEP-ALIVE\r\n\r\n")))
        #expect(plainHead.shape.memoKey(method: .head, kind: .playlist) == 1)
        #expect(RequestHead(ByteBuffer(string: "GET /x HTTP/1.1\r\ncontent-LENGTH: 0\r\n\r\n"))?.shape.hasContentLength == true)
        #expect(RequestHead(ByteBuffer(string: "PATCH /x HTTP/1.1\r\n\r\n"))?.method == .other)
    }

    @Test("every head read here is read by NIO's decoder the same way and ends at the same byte (seeded mutations)")
    func nioDecoderReadsTheSameHeads() throws {
        var corpus = Self.readable.map { Array($0.utf8) } + Self.unreadable.map(\.bytes)
        var random = SeededRandom(seed: 20_261_122)
        let interesting = Array("\r\n \t:;,/?#*%\"\\([@{~aAzZ09-".utf8) + [0x00, 0x7F, 0x80, 0xFF]
        for _ in 0..<10_000 {
            var bytes = Array(Self.readable.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                let byte =
                    Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = byte
                case 1: bytes.insert(byte, at: index)
                default: if bytes.count > 1 { bytes.remove(at: index) }
                }
            }
            corpus.append(bytes)
        }
        var heads = 0
        for bytes in corpus {
            for head in Self.read(bytes, chunks: { _ in bytes.count }).heads {
                heads += 1
                try Self.expectNIOReadsTheSame(try #require(RequestHead(ByteBuffer(bytes: head))))
            }
        }
        #expect(heads > 1000, "the mutations left too few readable heads to mean anything")
    }

    /// Feeds the head and one more request to NIO's decoder with the server's limits: it must
    /// give exactly this head (method, target, version, fields in order) and then the next request.
    static func expectNIOReadsTheSame(_ head: RequestHead) throws {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = RequestLimits.maxHeaderFieldSize
        limits.maxHeaderListSize = RequestLimits.maxHeaderListSize
        limits.maxHeaderFieldCount = RequestLimits.maxHeaderFieldCount
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(limitConfiguration: limits)))
        defer { _ = try? channel.finish() }
        var input = head.bytes
        input.writeString("GET /next HTTP/1.1\r\n\r\n")
        let text = String(decoding: head.bytes.readableBytesView, as: UTF8.self).debugDescription
        do {
            try channel.writeInbound(input)
        } catch {
            Issue.record("NIO's decoder refused \(text): \(error)")
            return
        }
        var parts: [HTTPServerRequestPart] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        guard parts.count == 4, case .head(let read) = parts[0], case .end = parts[1], case .head(let next) = parts[2],
            case .end = parts[3]
        else {
            Issue.record("NIO's decoder read \(text) as \(parts)")
            return
        }
        let method: RequestHead.Method = read.method == .GET ? .get : read.method == .HEAD ? .head : .other
        #expect(method == head.method && read.uri == head.target && read.version == .http1_1, "\(text)")
        // As `HTTP1ToHTTPServerCodec` makes them `HTTPField`s (which drops surrounding whitespace).
        let fields = read.headers.map { field in HTTPField.Name(field.name).map { HTTPField(name: $0, value: field.value) } }
        #expect(fields == head.fields.map { $0 }, "\(text)")
        #expect(next.uri == "/next", "\(text)")
    }
}
