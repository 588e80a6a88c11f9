import CodedErrors

/// The one error type of HTTPServe: a stable code and a message a user can act on. Raised by
/// `hlsseg serve` before it listens (`badRoot`, `badWWW`), and by `ClientFrameCheckHandler`
/// into a WebSocket connection's inbound messages when the connection ends other than by a
/// normal close, so that the route reading them (the ingest) learns and logs the reason.
///
/// The WebSocket codes name why a connection ended; the close code sent to the client (1002,
/// 1009) is chosen where the frame is refused, in `ClientFrameCheckHandler`, and only quoted
/// in the message, so one error type serves both.
public typealias HTTPServeError = CodedError<HTTPServeErrorCode>

/// The codes of `HTTPServeError`.
public enum HTTPServeErrorCode: String, Sendable, Hashable {
    /// `--root` is not a folder that can be created or read.
    case badRoot
    /// `--www` has no `index.html`.
    case badWWW
    /// A WebSocket client frame without a mask (RFC 6455 §5.1); the server closed with 1002.
    case unmaskedFrame
    /// A WebSocket frame or fragmented message above the limit; the server closed with 1009.
    case messageTooBig
    /// A WebSocket frame the decoder refused (a fragmented or oversized control frame) or
    /// a fragmented message out of order; the server closed with 1002.
    case protocolError
    /// The WebSocket client sent a close frame with a code other than 1000 (normal) or
    /// 1001 (going away).
    case closedByClient
    /// The server's WebSocket layer closed with a code other than 1000 (a frame it refused,
    /// a client that stopped answering pings) and the connection then ended.
    case closedByServer
    /// The WebSocket connection ended without a close frame either way: the client went
    /// away or the connection was reset.
    case endedWithoutClose
}

extension CodedError where ErrorCode == HTTPServeErrorCode {
    /// Whether this reports the end of a WebSocket connection (every code but the start-up ones).
    public var isWebSocketEnd: Bool { code != .badRoot && code != .badWWW }
}
