import HTTPTypes
import NIOCore
import NIOHTTP1

/// A complete response of the fast path, as the bytes Hummingbird's pipeline would have put on
/// the wire for the same `HTTPResponse` and body: `HTTP1ToHTTPServerCodec` turns the response
/// into NIO's `HTTPResponseHead` (NIO's reason phrase for known codes, field names as given) and
/// NIO's `HTTPResponseEncoder` writes it:
/// ```
/// HTTP/1.1 <code> <reason phrase> CRLF
/// <name>: <value> CRLF        (every field in order; none of Content-Length and
///                              Transfer-Encoding for 1xx, 204 and 304, which the encoder drops)
/// CRLF
/// <body>
/// ```
struct MadeResponse: Sendable {
    /// The second of its `Date` field.
    var second: Int
    var status: Int
    /// The head, followed by the body unless `separateBody` holds it.
    var bytes: ByteBuffer
    /// A body above `maxJoinedBodySize`, sent after `bytes` as the slice of the cached file it
    /// is (a kept response then holds no second copy of a segment).
    var separateBody: ByteBuffer?

    /// Bodies up to this size are copied behind the head, so that the response is one write.
    /// It takes in every playlist of a live window; media segments stay slices.
    static let maxJoinedBodySize = 64 * 1024

    /// Nil when Hummingbird's pipeline would frame the body itself (a body status without
    /// Content-Length gets chunked encoding): such answers are left to it.
    init?(response: HTTPResponse, body: ByteBuffer?, second: Int) {
        let status = HTTPResponseStatus(statusCode: response.status.code, reasonPhrase: response.status.reasonPhrase)
        let fields = response.headerFields
        guard !status.mayHaveResponseBody || fields[.contentLength] != nil else { return nil }
        let joinedBody = body.flatMap { $0.readableBytes <= Self.maxJoinedBodySize ? $0 : nil }
        var bytes = ByteBuffer()
        bytes.reserveCapacity(512 + (joinedBody?.readableBytes ?? 0))
        bytes.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
        let framing: [HTTPField.Name] = [.contentLength, .transferEncoding]
        for field in fields where status.mayHaveResponseBody || !framing.contains(field.name) {
            bytes.writeString(field.name.rawName)
            bytes.writeStaticString(": ")
            bytes.writeString(field.value)
            bytes.writeStaticString("\r\n")
        }
        bytes.writeStaticString("\r\n")
        if let joinedBody { bytes.writeImmutableBuffer(joinedBody) }
        self.second = second
        self.status = response.status.code
        self.bytes = bytes
        self.separateBody = joinedBody == nil ? body : nil
    }
}
