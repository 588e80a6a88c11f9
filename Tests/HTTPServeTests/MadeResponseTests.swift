import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import HTTPServe

/// `MadeResponse` against its oracle: the bytes NIO's `HTTPResponseEncoder` writes for the same
/// response converted as `HTTP1ToHTTPServerCodec` converts it.
@Suite("responses encoded as NIO's HTTP/1 encoder encodes them")
struct MadeResponseTests {
    static func fields(_ pairs: [(HTTPField.Name, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: name, value: value)) }
        return fields
    }

    static let common: [(HTTPField.Name, String)] = [
        (.contentType, "video/iso.segment"), (.acceptRanges, "bytes"), (.eTag, "\"1-2-3\""),
        (.accessControlAllowOrigin, "*"), (.date, "Sun, 22 Nov 2026 00:00:00 GMT"), (.server, "hlsseg"),
    ]

    static func response(_ status: HTTPResponse.Status, _ pairs: [(HTTPField.Name, String)]) -> HTTPResponse {
        HTTPResponse(status: status, headerFields: fields(pairs))
    }

    static let cases: [(HTTPResponse, ByteBuffer?)] = [
        (response(.ok, common + [(.contentLength, "5")]), ByteBuffer(string: "hello")),
        (response(.ok, [(.contentLength, "1000")] + common), nil),  // HEAD
        (response(.notModified, common + [(.contentLength, "0")]), nil),
        (response(.partialContent, common + [(.contentRange, "bytes 0-1/9"), (.contentLength, "2")]), ByteBuffer(string: "he")),
        (response(.rangeNotSatisfiable, common + [(.contentRange, "bytes */9"), (.contentLength, "0")]), nil),
        (response(.notFound, [(.contentLength, "0"), (.date, "x"), (.server, "hlsseg")]), nil),
        (response(.badRequest, [(.contentLength, "0")]), nil),
        (response(.init(code: 299, reasonPhrase: "Fine"), [(.contentLength, "0")]), nil),
        (response(.noContent, [(.contentLength, "0"), (.server, "hlsseg")]), nil),
        (response(.ok, common + [(.contentLength, "100000")]), ByteBuffer(repeating: 7, count: 100_000)),
        (response(.ok, common + [(.contentLength, "65536")]), ByteBuffer(repeating: 9, count: 65_536)),
    ]

    @Test("status line, field lines and body byte for byte; small bodies joined to the head, big ones sent as they are")
    func sameBytesAsNIO() throws {
        for (response, body) in Self.cases {
            let made = try #require(MadeResponse(response: response, body: body, second: 1))
            var ours = made.bytes
            if var separate = made.separateBody { ours.writeBuffer(&separate) }
            #expect(String(buffer: ours) == (try Self.encodedByNIO(response, body: body)), "\(response.status)")
            #expect(made.status == response.status.code)
            #expect((made.separateBody != nil) == ((body?.readableBytes ?? 0) > MadeResponse.maxJoinedBodySize))
        }
    }

    @Test("a body status without Content-Length is left to Hummingbird (NIO would make it chunked)")
    func noContentLength() {
        #expect(MadeResponse(response: HTTPResponse(status: .ok), body: ByteBuffer(string: "x"), second: 1) == nil)
        #expect(MadeResponse(response: HTTPResponse(status: .notModified), body: nil, second: 1) != nil)
    }

    static func encodedByNIO(_ response: HTTPResponse, body: ByteBuffer?) throws -> String {
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder())
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(response)))
        if let body { try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(body))) }
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        var bytes = ByteBuffer()
        while let part = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(var buffer) = part else { throw ChannelError.operationUnsupported }
            bytes.writeBuffer(&buffer)
        }
        return String(buffer: bytes)
    }
}
