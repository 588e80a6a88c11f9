import HTTPTypes
import NIOCore

/// One request head as `StreamFileFastPathHandler` reads it off the wire, ahead of NIO's HTTP/1
/// decoder (RFC 9112 §2.1, §3, §5):
/// ```
/// request-head = request-line *( field-line CRLF ) CRLF
/// request-line = method SP request-target SP "HTTP/1.1" CRLF
/// field-line   = field-name ":" OWS field-value OWS
/// ```
/// Only a strict subset is read, so that every head read here is one NIO's decoder (llhttp)
/// reads the same way, ends at the same byte, and has no body:
/// - the methods of RFC 9110 and PATCH, except CONNECT (it turns the connection into a tunnel);
/// - a target in origin form (`/` and visible ASCII) or `*`; no absolute form, which the
///   decoder parses as a URL; exactly `HTTP/1.1` (1.0 has other keep-alive rules);
/// - field names of token characters right before the colon; values of visible ASCII, space
///   and tab; every line ending in CRLF (no bare LF, no folded lines, no other bytes);
/// - the decoder's limits (`RequestLimits`): the target, each name and each value at most
///   `maxHeaderFieldSize`, at most `maxHeaderFieldCount` fields, the head at most `maxLength`;
/// - no field giving the request a body or changing the connection (`RequestShape.add`).
///
/// `init` returns nil for anything else: the handler then leaves the connection to NIO's decoder
/// from that request on, which answers or refuses it as it would without the fast path.
struct RequestHead {
    enum Method {
        case get
        case head
        /// Another method NIO's decoder reads without a body when no field announces one.
        case other
    }

    /// Longest head read here: the decoder's limit on all fields together. Longer heads are left
    /// to the decoder, which applies its exact limits (and refuses them as it always does).
    static let maxLength = RequestLimits.maxHeaderListSize

    /// The head's bytes, from the method to the CRLF of the empty line.
    let bytes: ByteBuffer
    let method: Method
    /// What the header fields decide (found in the same pass as the syntax check).
    let shape: RequestShape
    private let targetRange: Range<Int>
    /// Offset of the first field line in `bytes`.
    private let fieldsStart: Int

    /// Reads `bytes`, which must be exactly one head; nil when it is not in the subset above.
    init?(_ bytes: ByteBuffer) {
        guard bytes.readableBytes <= Self.maxLength, let parsed = bytes.withUnsafeReadableBytes({ Self.parse($0) }) else {
            return nil
        }
        self.bytes = bytes
        self.method = parsed.method
        self.targetRange = parsed.target
        self.fieldsStart = parsed.fieldsStart
        self.shape = parsed.shape
    }

    /// The request target as sent (origin form: path and query).
    var target: String {
        bytes.getString(at: bytes.readerIndex + targetRange.lowerBound, length: targetRange.count)!
    }

    /// The header fields in order, for `FileResponder.answer` (which reads Range, If-Range,
    /// If-None-Match, If-Modified-Since and Accept-Encoding).
    var fields: HTTPFields {
        var fields = HTTPFields()
        bytes.withUnsafeReadableBytes { head in
            _ = Self.readFields(head, from: fieldsStart) { name, value in
                // Names were checked to be tokens, which `HTTPField.Name` takes.
                if let name = HTTPField.Name(String(decoding: name, as: UTF8.self)) {
                    fields.append(HTTPField(name: name, value: String(decoding: value, as: UTF8.self)))
                }
                return true
            }
        }
        return fields
    }

    private static let methods: [(name: [UInt8], method: Method)] = [
        (Array("GET".utf8), .get), (Array("HEAD".utf8), .head), (Array("POST".utf8), .other),
        (Array("PUT".utf8), .other), (Array("DELETE".utf8), .other), (Array("OPTIONS".utf8), .other),
        (Array("TRACE".utf8), .other), (Array("PATCH".utf8), .other),
    ]

    private struct Parsed {
        var method: Method
        var target: Range<Int>
        var fieldsStart: Int
        var shape: RequestShape
    }

    private static func parse(_ head: UnsafeRawBufferPointer) -> Parsed? {
        var index = 0
        while index < head.count, isTokenByte(head[index]) { index += 1 }
        let name = UnsafeRawBufferPointer(rebasing: head[..<index])
        guard let method = methods.first(where: { $0.name.elementsEqual(name) })?.method,
            index < head.count, head[index] == .space
        else { return nil }
        index += 1
        let targetStart = index
        while index < head.count, head[index] > .space, head[index] < 0x7F { index += 1 }
        let target = targetStart..<index
        guard !target.isEmpty, target.count <= RequestLimits.maxHeaderFieldSize,
            head[targetStart] == UInt8(ascii: "/") || (target.count == 1 && head[targetStart] == UInt8(ascii: "*")),
            head[index...].starts(with: " HTTP/1.1\r\n".utf8)
        else { return nil }
        let fieldsStart = index + " HTTP/1.1\r\n".utf8.count
        var shape = RequestShape()
        var count = 0
        let wellFormed = readFields(head, from: fieldsStart) { name, value in
            count += 1
            return count <= RequestLimits.maxHeaderFieldCount && shape.add(name: name, value: value)
        }
        return wellFormed ? Parsed(method: method, target: target, fieldsStart: fieldsStart, shape: shape) : nil
    }

    /// Checks the field lines from `start` to the end of `head` and gives each name and value
    /// (without the surrounding whitespace) to `visit`; false when a line is malformed or
    /// `visit` returned false.
    private static func readFields(
        _ head: UnsafeRawBufferPointer, from start: Int,
        _ visit: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool
    ) -> Bool {
        var index = start
        while index < head.count, head[index] != .carriageReturn {
            let nameStart = index
            while index < head.count, isTokenByte(head[index]) { index += 1 }
            let name = nameStart..<index
            guard !name.isEmpty, name.count <= RequestLimits.maxHeaderFieldSize, index < head.count, head[index] == .colon
            else { return false }
            index += 1
            while index < head.count, head[index] == .space || head[index] == .tab { index += 1 }
            let valueStart = index
            while index < head.count, head[index] == .tab || (head[index] >= .space && head[index] < 0x7F) { index += 1 }
            var valueEnd = index
            guard valueEnd - valueStart <= RequestLimits.maxHeaderFieldSize, head[index...].starts(with: "\r\n".utf8)
            else { return false }
            index += 2
            while valueEnd > valueStart, head[valueEnd - 1] == .space || head[valueEnd - 1] == .tab { valueEnd -= 1 }
            let value = valueStart..<valueEnd
            guard visit(UnsafeRawBufferPointer(rebasing: head[name]), UnsafeRawBufferPointer(rebasing: head[value])) else {
                return false
            }
        }
        // The empty line, and nothing after it.
        return index + 2 == head.count && head[index...].starts(with: "\r\n".utf8)
    }

    /// RFC 9110 §5.6.2 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// What a request's header fields decide, read in `RequestHead`'s one pass over them: whether
/// the head can be read ahead of NIO's decoder at all, whether the fast path may answer it,
/// and which kept response fits it.
struct RequestShape {
    /// `Content-Length: 0`: no body, but the request goes to Hummingbird, whose
    /// `RequestLimitMiddleware` reads that field.
    private(set) var hasContentLength = false
    /// Range or a validator: the answer depends on their values, so it is not kept.
    private(set) var conditionalOrRange = false
    /// The `Accept-Encoding` values in order.
    private(set) var acceptEncoding: [String] = []

    private enum Role {
        case contentLength, refused, connection, conditionalOrRange, acceptEncoding
    }

    /// The fields that matter here, lowercase. `Transfer-Encoding` and a `Content-Length` other
    /// than one `0` give the request a body, which only NIO's decoder delimits; `Upgrade`,
    /// `Expect` and a `Connection` other than keep-alive change what happens to the connection
    /// after the request (a protocol switch, `100 Continue`, closing), which Hummingbird does.
    private static let roles: [(name: [UInt8], role: Role)] = [
        (Array("content-length".utf8), .contentLength), (Array("transfer-encoding".utf8), .refused),
        (Array("upgrade".utf8), .refused), (Array("expect".utf8), .refused), (Array("connection".utf8), .connection),
        (Array("range".utf8), .conditionalOrRange), (Array("if-range".utf8), .conditionalOrRange),
        (Array("if-none-match".utf8), .conditionalOrRange), (Array("if-modified-since".utf8), .conditionalOrRange),
        (Array("accept-encoding".utf8), .acceptEncoding),
    ]

    /// Takes one field (name checked to be a token, value without surrounding whitespace); false
    /// when the head must be left to NIO's decoder.
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        guard let role = Self.roles.first(where: { Self.equalIgnoringCase(name, $0.name) })?.role else { return true }
        switch role {
        case .refused:
            return false
        case .contentLength:
            guard !hasContentLength, value.elementsEqual("0".utf8) else { return false }
            hasContentLength = true
        case .connection:
            return Self.equalIgnoringCase(value, Array("keep-alive".utf8))
        case .conditionalOrRange:
            conditionalOrRange = true
        case .acceptEncoding:
            acceptEncoding.append(String(decoding: value, as: UTF8.self))
        }
        return true
    }

    /// Which kept response of a cached file version answers this request, if one can:
    /// HEAD or GET, and for playlists whether gzip was asked for.
    func memoKey(method: RequestHead.Method, kind: ServedFileKind) -> Int? {
        guard !conditionalOrRange else { return nil }
        let gzip = kind == .playlist && FileResponder.acceptsGzip(acceptEncoding)
        return (method == .head ? 1 : 0) + (gzip ? 2 : 0)
    }

    /// `bytes` equals `lowercase` (letters and `-`) in any case. Setting bit 5 maps `A`–`Z`
    /// to `a`–`z`; of the bytes that can reach here (tokens, field values) only `-` itself maps to `-`.
    private static func equalIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: [UInt8]) -> Bool {
        bytes.count == lowercase.count && zip(bytes, lowercase).allSatisfy { $0 | 0x20 == $1 }
    }
}

extension UInt8 {
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
}
