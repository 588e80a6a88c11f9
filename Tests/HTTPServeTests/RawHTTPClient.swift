import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One response exactly as it came over the socket.
struct RawResponse: Equatable, Sendable, CustomStringConvertible {
    var statusLine: String
    /// Header lines in order, as sent (`Name: value`).
    var headerLines: [String]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        for line in headerLines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    var status: Int { Int(statusLine.split(separator: " ")[1]) ?? 0 }

    /// The response without its `Date` value, which depends on the second it was made in.
    /// Without what depends on when it was asked: the `Date` header, and the JSON API's
    /// `updatedSecondsAgo` (two requests on a loaded machine can be 0.1 s apart).
    var withoutDate: RawResponse {
        var copy = self
        copy.headerLines = headerLines.map { $0.lowercased().hasPrefix("date:") ? "date: <removed>" : $0 }
        copy.body = Self.maskingUpdatedSecondsAgo(body)
        if copy.body != body {
            // The masked number's digits change the length (9.9 s, then 10 s): the header
            // follows the masked body, whose every other byte is still compared.
            copy.headerLines = copy.headerLines.map {
                $0.lowercased().hasPrefix("content-length:") ? "Content-Length: \(copy.body.count)" : $0
            }
        }
        return copy
    }

    /// `"updatedSecondsAgo":12.3` becomes `"updatedSecondsAgo":0`: it is the age of the
    /// playlist when the answer was made, which two requests a moment apart see differently.
    private static func maskingUpdatedSecondsAgo(_ body: [UInt8]) -> [UInt8] {
        let key = Array("\"updatedSecondsAgo\":".utf8)
        var result: [UInt8] = []
        var index = 0
        while index < body.count {
            if body[index...].starts(with: key) {
                result += key + [UInt8(ascii: "0")]
                index += key.count
                while index < body.count, body[index] == UInt8(ascii: ".") || (body[index] >= 0x30 && body[index] <= 0x39) {
                    index += 1
                }
            } else {
                result.append(body[index])
                index += 1
            }
        }
        return result
    }

    var description: String { ([statusLine] + headerLines).joined(separator: "\n") + "\n(\(body.count) body bytes)" }
}

/// A request as a test writes it.
struct RawRequest: Sendable, CustomStringConvertible {
    var method = "GET"
    var target: String
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var version = "HTTP/1.1"

    var bytes: [UInt8] {
        var text = "\(method) \(target) \(version)\r\nHost: localhost\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8) + body
    }

    var description: String { "\(method) \(target) \(headers.map { "\($0.0): \($0.1)" }.joined(separator: ", "))" }
}

/// HTTP/1.1 over a plain blocking socket, so a test decides exactly what is written (several
/// requests in one write: pipelining) and sees every byte of the answers. Each connection
/// lives on a thread of its own (`RawHTTPClient.run`), off Swift's cooperative pool.
final class RawHTTPConnection {
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let fd: Int32
    private var buffer: [UInt8] = []

    /// `timeoutSeconds` bounds a wait for bytes that never come (a hang fails the test then); it
    /// is generous because the whole suite shares two cores with encoders and servers.
    init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connectToLoopback(fd, port: port) else { throw Failure(description: "connect to \(port) failed") }
    }

    deinit { close(fd) }

    /// Writes all `requests` with one `send`.
    func send(_ requests: [RawRequest]) throws {
        try send(bytes: requests.flatMap(\.bytes))
    }

    /// Writes `bytes` one at a time, each in a TCP segment of its own (Nagle off, a pause
    /// between them), so that the server reads them one by one.
    func sendByteByByte(_ bytes: [UInt8]) throws {
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        for byte in bytes {
            try send(bytes: [byte])
            usleep(2000)
        }
    }

    func send(bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send failed") }
            sent += count
        }
    }

    /// Sends one request and reads its answer.
    func exchange(_ request: RawRequest) throws -> RawResponse {
        try send([request])
        return try readResponse(to: request)
    }

    /// Reads the next response; HEAD answers, 304 and 1xx have no body.
    func readResponse(to request: RawRequest) throws -> RawResponse {
        let end = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let found = Self.find(end, in: buffer) { headEnd = found } else { try fill() }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + end.count)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        var response = RawResponse(statusLine: statusLine, headerLines: lines, body: [])
        if response.header("transfer-encoding") != nil { throw Failure(description: "chunked body not expected: \(response)") }
        let bodyless = request.method == "HEAD" || response.status == 304 || response.status < 200
        let length = bodyless ? 0 : Int(response.header("content-length") ?? "0") ?? 0
        while buffer.count < length { try fill() }
        response.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return response
    }

    /// The next `count` bytes as they come (a WebSocket frame, say).
    func read(count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    /// True when the server closes the connection within `seconds` (the receive timeout unless given).
    func closedByPeer(within seconds: Int? = nil) -> Bool {
        if let seconds {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Why a read returned no bytes: EOF, the receive timeout (EAGAIN), or another error.
    private static func readFailure(count: Int, errno: Int32) -> String {
        if count == 0 { return "connection closed" }
        if errno == EAGAIN || errno == EWOULDBLOCK { return "no answer within the read timeout" }
        return "recv failed (errno \(errno))"
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw Failure(description: Self.readFailure(count: count, errno: errno)) }
        buffer += chunk[..<count]
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

enum RawHTTPClient {
    /// Runs `body` on a thread of its own (blocking socket calls stay off the cooperative pool).
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// One request on a fresh connection.
    static func fetch(port: Int, _ request: RawRequest) async throws -> RawResponse {
        try await run { try RawHTTPConnection(port: port).exchange(request) }
    }
}

/// Hands a connection from one client thread to the next; only one thread uses it at a time
/// (each `RawHTTPClient.run` awaits the one before), which is what makes this sendable.
final class RawHTTPConnectionBox: @unchecked Sendable {
    let connection: RawHTTPConnection
    init(_ connection: RawHTTPConnection) { self.connection = connection }
}

/// Connects socket `fd` to 127.0.0.1:`port`; false when that fails.
func connectToLoopback(_ fd: Int32, port: Int) -> Bool {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0
}
