import NIOCore
import NIOWebSocket

/// Sits right behind NIO's WebSocket frame decoder (in front of its
/// `WebSocketProtocolErrorHandler` and the connection's `NIOAsyncChannel`), and does what
/// hummingbird-websocket does not:
///
/// - Every client frame must be masked (RFC 6455 §5.1: "The server MUST close the connection
///   upon receiving a frame that is not masked"). An unmasked one is answered with close 1002
///   and the connection is closed; the frame goes no further.
/// - A fragmented message may not exceed `maximumMessageLength` (a single frame is bounded by
///   the decoder's `maxFrameSize`, set to the same value). A longer one is answered with close
///   1009 as soon as its running length passes the limit, before the rest is buffered.
/// - Continuation frames continue a fragmented message, and a new message waits until it ended
///   (RFC 6455 §5.4); otherwise close 1002. hummingbird-websocket refuses these as well, but
///   with an error of its own whose reason a route cannot read.
/// - Every end that is not a normal close (client close 1000, 1001 or without a code, or the
///   server's own 1000) reaches the route reading the connection as an `HTTPServeError`
///   on its inbound messages, so the route can log why: the above, a frame the decoder refused,
///   a client close with another code, a server close after a frame the WebSocket layer
///   refused or a ping timeout, and a connection that ended without any close frame.
///
/// `ClientFrameCheckingChannel` puts it into the pipeline of every upgraded connection.
final class ClientFrameCheckHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let maximumMessageLength: Int
    /// Bytes of the fragmented message in progress; nil between messages.
    private var messageLength: Int?
    /// The code of the close frame the server sent (1005: one without a code); nil before.
    private var serverCloseCode: UInt16?
    private var clientSentClose = false
    /// This handler closed the connection: later frames either way are dropped.
    private var failed = false
    /// The end is settled (reported, or a normal close seen): nothing more to report.
    private var ended = false

    init(maximumMessageLength: Int) {
        self.maximumMessageLength = maximumMessageLength
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let frame = unwrapInboundIn(data)
        guard frame.maskKey != nil else {
            fail(
                context, .unmaskedFrame, closeCode: 1002, reason: "client frames must be masked (RFC 6455 section 5.1)",
                message: "the client sent an unmasked frame (RFC 6455 section 5.1: client frames must be masked); "
                    + "closed with code 1002 (protocol error)")
            return
        }
        switch frame.opcode {
        case .binary, .text:
            guard messageLength == nil else {
                fail(
                    context, .protocolError, closeCode: 1002, reason: "a message began inside a fragmented one",
                    message: "the client began a message before its fragmented one ended; closed with code 1002 (protocol error)")
                return
            }
            messageLength = frame.fin ? nil : frame.data.readableBytes
        case .continuation:
            guard let length = messageLength else {
                fail(
                    context, .protocolError, closeCode: 1002, reason: "a continuation frame outside a fragmented message",
                    message: "the client sent a continuation frame outside a fragmented message; closed with code 1002 (protocol error)")
                return
            }
            let total = length + frame.data.readableBytes
            guard total <= maximumMessageLength else {
                fail(
                    context, .messageTooBig, closeCode: 1009, reason: "message above \(maximumMessageLength) bytes",
                    message: Self.tooBigMessage(maximumMessageLength))
                return
            }
            messageLength = frame.fin ? nil : total
        case .connectionClose:
            clientSentClose = true
            guard !ended else { break }
            ended = true
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            if let server = serverCloseCode, server != 1000 {
                report(context, .closedByServer, Self.serverCloseMessage(server))
                return
            }
            if let code, code != 1000, code != 1001 {
                let detail = reason.isEmpty ? "" : ": \(reason)"
                report(context, .closedByClient, "the client closed the connection with code \(Self.describe(code))\(detail)")
                return
            }
        default:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !failed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let frame = unwrapOutboundIn(data)
        if frame.opcode == .connectionClose, serverCloseCode == nil {
            var payload = frame.unmaskedData
            serverCloseCode = payload.readInteger(as: UInt16.self) ?? 1005
        }
        context.write(data, promise: promise)
    }

    /// The decoder's own refusals: reported here, then passed on to NIO's
    /// `WebSocketProtocolErrorHandler` behind this handler, which answers them with a close
    /// frame (1009 for a frame above `maxFrameSize`, 1002 for the others) and closes.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let refusal = error as? NIOWebSocketError, !ended {
            if case .invalidFrameLength = refusal {
                report(context, .messageTooBig, Self.tooBigMessage(maximumMessageLength))
            } else {
                report(
                    context, .protocolError,
                    "the client sent a frame the WebSocket decoder refused (\(refusal)); closed with code 1002 (protocol error)")
            }
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        reportEnd(context)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { reportEnd(context) }
        context.fireUserInboundEventTriggered(event)
    }

    /// The connection's input ended: a close frame either way settles it, except a server
    /// close with a code other than 1000.
    private func reportEnd(_ context: ChannelHandlerContext) {
        guard !ended else { return }
        if let server = serverCloseCode {
            if server != 1000 { report(context, .closedByServer, Self.serverCloseMessage(server)) }
            ended = true
        } else if !clientSentClose {
            report(
                context, .endedWithoutClose,
                "the connection ended without a WebSocket close frame (the client went away or the connection was reset)")
        }
    }

    private func report(_ context: ChannelHandlerContext, _ code: HTTPServeError.Code, _ message: String) {
        ended = true
        context.fireErrorCaught(HTTPServeError(code, message))
    }

    /// Reports the end first (the reader's inbound stream then ends with it, after the frames
    /// before), then sends the close frame and closes the connection once it is written.
    /// `reason` goes into the close frame (at most 123 bytes), `message` into the report.
    private func fail(
        _ context: ChannelHandlerContext, _ code: HTTPServeError.Code, closeCode: UInt16, reason: String, message: String
    ) {
        failed = true
        report(context, code, message)
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(closeCode)
        payload.writeString(reason)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)
        let loopBoundContext = context.loopBound
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }

    static func tooBigMessage(_ limit: Int) -> String {
        "the client sent a message above the limit of \(limit) bytes (\(limit >> 20) MiB); closed with code 1009 (message too big)"
    }

    static func serverCloseMessage(_ code: UInt16) -> String {
        switch code {
        case 1001: "the client stopped answering pings; closed with code 1001 (going away)"
        case 1002:
            "the client sent a frame the WebSocket layer refused (reserved bits or a reserved opcode); "
                + "closed with code 1002 (protocol error)"
        default: "the server closed the connection with code \(describe(code))"
        }
    }

    /// `1002 (protocol error)`: a close code with its RFC 6455 §7.4.1 name where it has one.
    static func describe(_ code: UInt16) -> String {
        let names: [UInt16: String] = [
            1000: "normal closure", 1001: "going away", 1002: "protocol error", 1003: "unacceptable data",
            1005: "no code", 1007: "invalid payload data", 1008: "policy violation", 1009: "message too big",
            1010: "missing extension", 1011: "internal error",
        ]
        return names[code].map { "\(code) (\($0))" } ?? "\(code)"
    }
}
