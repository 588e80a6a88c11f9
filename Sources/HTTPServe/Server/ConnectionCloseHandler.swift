import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Ends HTTP/1 connections where RFC 9112 says they end, for every request NIO's HTTP/1 decoder
/// reads (all of them without the fast path; with it, those it hands over):
///
/// - A head the decoder refuses (`HTTPParserError`) is answered with a status, `Connection:
///   close` and no body, and the connection is closed: 431 when a header line, all of them
///   together or their number is over `RequestLimits`; 505 when the version is not HTTP/1.x
///   (`HTTP/2.0` sent as text, `HTTP/9.9`, and a bare `GET /` line, which is HTTP/0.9); 400 for
///   anything else (a line without a colon, a NUL in the target, …). The answer follows the
///   responses still owed to requests read before it, so pipelined answers stay in order.
/// - A request that does not keep the connection alive (HTTP/1.0 without `Connection:
///   keep-alive`, any `Connection: close`) is the last one read: its response carries
///   `Connection: close` and the connection is closed after it; later requests are dropped
///   unread. An HTTP/1.0 request with `Connection: keep-alive` gets `Connection: keep-alive` back.
///
/// Hummingbird alone answers every decoder error with 400, says nothing about the connection
/// after an HTTP/1.0 request and leaves it open, and in the WebSocket-upgrade variant leaves a
/// head refused before the first request without any answer (NIO's upgrade handler passes the
/// error on and keeps waiting for a request).
///
/// - A graceful shutdown (`ChannelShouldQuiesceEvent`) closes a connection of the
///   WebSocket-upgrade variant that has not passed on its first request yet. Until NIO's upgrade
///   handler has decided on that request, nothing of Hummingbird's is in the pipeline to close
///   the idle connection, and Hummingbird's wait for the upgrade's outcome cannot be cancelled:
///   a client that connected and sent nothing would hold the shutdown. (With the fast path, its
///   handler closes such connections itself; in the HTTP/1 variant, Hummingbird's does.)
///
/// A body the decoder refuses midway (a bad chunk size) makes its request the last one: the
/// route answers it as without this handler, and the connection closes after that answer.
///
/// Closing is a lingering close: the output is shut at once, so the client reads EOF right
/// after the answer, and input is read and dropped until the client closes too or
/// `lingerTime` passes. Closing outright with request bytes still unread would send a reset,
/// which can destroy the answer before the client reads it.
///
/// Position (`ConnectionCloseChildChannel` puts it there): right in front of Hummingbird's
/// `HTTP1ToHTTPServerCodec`, where request heads still carry their version and `Connection`
/// field and responses are NIO's `HTTPResponseHead`. In the WebSocket-upgrade variant it
/// follows NIO's upgrade handler, which adds the codec behind it for a request that asks for
/// no upgrade; after an upgrade it leaves the pipeline, as the HTTP/1 handlers do.
final class ConnectionCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a closed connection still reads (and drops) what the client sends: long enough
    /// for the client to read the answer and close first, short enough that a client that
    /// never closes holds nothing.
    static let lingerTime = TimeAmount.seconds(2)

    /// What the response to one request must say about the connection.
    private enum ResponseRule {
        case none
        /// HTTP/1.0 with `Connection: keep-alive`: say it is kept.
        case keepAlive
        /// The last request: say `Connection: close` and close after the response.
        case close
    }

    /// The rules of the requests read whose response `.end` has not been written yet, oldest
    /// first. Empty until a request is handed to Hummingbird, so a connection the fast path
    /// serves allocates nothing here.
    private var owed: [ResponseRule] = []
    /// A request that ends the connection was read, or a head was refused: nothing after it is answered.
    private var lastRequestRead = false
    /// What is read from here on is dropped (a request after the last one, or anything once closing).
    private var droppingInput = false
    /// The status for a refused head, waiting for the responses `owed` before it.
    private var refusal: HTTPResponseStatus?
    /// This handler is ending the connection: the output is shut and the connection closes when
    /// the client closes or `lingerTime` passes, or (graceful shutdown) it is closed outright.
    private var closing = false
    private var lingerTimer: Scheduled<Void>?
    /// The end of input (`ChannelEvent.inputClosed`) went by.
    private var inputClosed = false
    /// A request head was passed on and its `.end` not yet.
    private var requestBeingRead = false

    func handlerRemoved(context: ChannelHandlerContext) {
        lingerTimer?.cancel()
        lingerTimer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        lingerTimer?.cancel()
        lingerTimer = nil
        // Once the output is shut, the client's close or the linger timer ends the connection
        // without an end of input. NIO's upgrade handler, still waiting for a first request
        // when the first head was refused, would then fail its result, which Hummingbird logs
        // as an error; after an end of input it gives up quietly. So every handler sees the
        // input end first, as when a client closes a connection the server kept open.
        if closing, !inputClosed { context.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !droppingInput else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !lastRequestRead else {
                droppingInput = true
                return
            }
            let rule: ResponseRule
            if !head.isKeepAlive {
                rule = .close
                lastRequestRead = true
            } else {
                rule = head.version == .http1_0 ? .keepAlive : .none
            }
            owed.append(rule)
            requestBeingRead = true
        case .body:
            break
        case .end:
            requestBeingRead = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            // The decoder reports each read after its error as one more error.
            if lastRequestRead, error is ByteToMessageDecoderError { return }
            context.fireErrorCaught(error)
            return
        }
        // Nothing after the last request is answered.
        guard !lastRequestRead else { return }
        lastRequestRead = true
        droppingInput = true
        if requestBeingRead {
            // The body of the request being read is malformed: that request is the last.
            if owed.isEmpty {
                // Its response is out already (its route did not wait for the body).
                closeAfterAnswer(context: context)
            } else {
                // Its route answers it, seeing the error if it reads the body; the response
                // says `Connection: close`, and the connection closes after it.
                owed[owed.count - 1] = .close
                context.fireErrorCaught(error)
            }
            return
        }
        refusal = Self.status(for: parserError)
        if owed.isEmpty { writeRefusal(context: context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let upgrade = event as? HTTPServerUpgradeEvents, case .upgradeComplete = upgrade {
            // A WebSocket from here on: NIO's upgrade handler took the HTTP/1 codec out.
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        if event is ChannelShouldQuiesceEvent, owed.isEmpty, !requestBeingRead, !hasHTTPCodec(context) {
            // Closed as the upgrade handler would see a client leave: the input ends first
            // (`channelInactive`), so the upgrade's outcome fails quietly.
            closing = true
            lastRequestRead = true
            droppingInput = true
            context.close(promise: nil)
            return
        }
        if event as? ChannelEvent == .inputClosed {
            inputClosed = true
            if closing { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where !Self.isInformational(head.status):
            switch owed.first {
            case .close?:
                head.headers.replaceOrAdd(name: "Connection", value: "close")
            case .keepAlive?:
                if !head.headers.contains(name: "connection") { head.headers.add(name: "Connection", value: "keep-alive") }
            case .none?, nil:
                context.write(data, promise: promise)
                return
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            context.write(data, promise: promise)
            guard !owed.isEmpty else { return }
            if owed.removeFirst() == .close {
                closeAfterAnswer(context: context)
            } else if owed.isEmpty, refusal != nil {
                writeRefusal(context: context)
            }
        case .head, .body:
            context.write(data, promise: promise)
        }
    }

    /// Whether Hummingbird's HTTP/1 codec is behind this handler: always in the HTTP/1 variant; in
    /// the WebSocket-upgrade variant once a request asked for no upgrade.
    private func hasHTTPCodec(_ context: ChannelHandlerContext) -> Bool {
        (try? context.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)) != nil
    }

    /// 431 for the decoder's limits (`RequestLimits`), 505 for a version other than 1.x, 400 otherwise.
    static func status(for error: HTTPParserError) -> HTTPResponseStatus {
        switch error {
        case .headerOverflow: .requestHeaderFieldsTooLarge
        case .invalidVersion: .httpVersionNotSupported
        default: .badRequest
        }
    }

    private static func isInformational(_ status: HTTPResponseStatus) -> Bool {
        (100..<200).contains(status.code) && status != .switchingProtocols
    }

    private func writeRefusal(context: ChannelHandlerContext) {
        guard let status = refusal else { return }
        let head = HTTPResponseHead(
            version: .http1_1, status: status, headers: HTTPHeaders([("Connection", "close"), ("Content-Length", "0")]))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        closeAfterAnswer(context: context)
    }

    /// Shuts the output once what is written has gone out, and closes the connection when the
    /// client closes its side or after `lingerTime`.
    private func closeAfterAnswer(context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        lastRequestRead = true
        droppingInput = true
        context.flush()
        context.close(mode: .output, promise: nil)
        lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerTime) { [self] in
            lingerTimer = nil
            context.close(promise: nil)
        }
    }
}
