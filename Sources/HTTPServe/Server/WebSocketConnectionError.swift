/// Why a WebSocket connection ended other than by a normal close: raised by
/// `ClientFrameCheckHandler` into the connection's inbound messages, so that the route reading
/// them (the ingest) learns and logs the reason.
public struct WebSocketConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// A client frame without a mask (RFC 6455 §5.1); the server closed with 1002.
        case unmaskedFrame
        /// A frame or a fragmented message above the limit; the server closed with 1009.
        case messageTooBig
        /// A frame the WebSocket decoder refused (a fragmented or oversized control frame) or
        /// a fragmented message out of order; the server closed with 1002.
        case protocolError
        /// The client sent a close frame with a code other than 1000 (normal) or 1001 (going away).
        case closedByClient
        /// The server's WebSocket layer closed with a code other than 1000 (a frame it refused, a
        /// client that stopped answering pings) and the connection then ended.
        case closedByServer
        /// The connection ended without a close frame either way: the client went away or the
        /// connection was reset.
        case endedWithoutClose
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
