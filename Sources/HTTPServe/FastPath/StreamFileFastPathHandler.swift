import NIOCore
import NIOHTTP1

/// The per-connection part of `StreamFileFastPath`: the first handler of a connection, between
/// the socket and NIO's HTTP/1 codec (`StreamFileChildChannel` puts it there).
///
/// Pipeline of one connection:
/// ```
/// socket ─ StreamFileFastPathHandler ─ HTTPResponseEncoder ─ HTTP/1 decoder (llhttp)
///   ─ ConnectionCloseHandler ─ HTTP1ToHTTPServerCodec ─ HandedOverRequestsHandler
///   ─ HTTPConnectionStateHandler (no timeout) ─ NIOAsyncChannel → Hummingbird's router
/// ```
/// (In the WebSocket-upgrade variant NIO's upgrade handler follows the decoder and adds the
/// handlers after `ConnectionCloseHandler` when it is handed a request that asks for no upgrade.)
///
/// It reads request heads off the socket itself (`RequestHeadReader`). A head the fast path
/// answers is answered with one buffer written from here and never reaches NIO's decoder,
/// encoder or Hummingbird. A head it reads but does not answer is handed to the decoder as
/// exactly its bytes, and Hummingbird answers it. When it cannot read the next head with
/// certainty (a body, an upgrade, `Connection: close`, HTTP/1.0, anything malformed or too
/// long; see `RequestHead`), it hands the connection over for good: what it buffered and every
/// later byte go to the decoder untouched. Either way the decoder sees the bytes it would have
/// seen without this handler, less the requests answered here.
///
/// Order: HTTP/1.1 answers pipelined requests in order. While a request handed to Hummingbird
/// has its response outstanding (`HandedOverRequestsHandler` sees its `.end` go out), later
/// heads are handed over too, one at a time; the fast path answers only when nothing is
/// outstanding, and its answer then follows everything written before.
///
/// Idle timeout and graceful shutdown (`ConnectionActivity`) are kept here for every request,
/// those Hummingbird answers being reported by `HandedOverRequestsHandler`: Hummingbird's own
/// state handler sees only those, so it runs without a timeout and never gets the quiesce event.
final class StreamFileFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let fastPath: StreamFileFastPath
    /// Reads heads until the connection is handed over for good; nil from then on.
    private var reader: RequestHeadReader? = RequestHeadReader()
    /// Requests handed to Hummingbird whose response `.end` has not been written yet.
    private var outstanding = 0
    private var activity: ConnectionActivity
    private var idleTimer: Scheduled<Void>?
    /// Kept for the idle timer, which `HandedOverRequestsHandler`'s reports may arm.
    private var context: ChannelHandlerContext?
    private var needsFlush = false
    /// A `read` held back while the channel is not writable.
    private var heldRead = false
    /// The end of input (`ChannelEvent.inputClosed`) was passed on.
    private var inputClosed = false
    private var date = DateField()
    /// Metrics of the statuses answered on this connection so far.
    private var recorders: [Int: ServeMetrics.RequestRecorder] = [:]

    init(fastPath: StreamFileFastPath, idleTimeout: TimeAmount?) {
        self.fastPath = fastPath
        self.activity = ConnectionActivity(idleTimeout: idleTimeout, now: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { perform(activity.becameActive(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(activity.becameActive(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        handOverForGood(context: context)
        // Closed here or reset by the client, the connection ends without an end of input. In
        // the WebSocket variant NIO's upgrade handler, still waiting for a first request when
        // every request so far was answered here, then fails its result, which Hummingbird
        // logs as an error; after an end of input it gives up quietly. So the handlers behind
        // see the input end first, as when a client closes.
        if !inputClosed { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard reader != nil else {
            context.fireChannelRead(data)
            return
        }
        reader!.append(unwrapInboundIn(data))
        while let next = reader?.next() {
            switch next {
            case .head(let head): take(head, context: context)
            case .needMore: return
            case .unreadable: handOverForGood(context: context)
            }
        }
    }

    /// One flush for all the answers of one socket read (pipelined requests share a write).
    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, !hasLeftHTTP1(context) {
            perform(activity.quiesce(), context: context)
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            // The decoder sees a head cut short by the end of input, as it would have.
            handOverForGood(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Answers here are written without waiting for the peer to read them; holding back
    /// reads while the channel is not writable keeps a client that pipelines requests and
    /// never reads from queueing responses without bound.
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            heldRead = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if heldRead, context.channel.isWritable {
            heldRead = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: - Requests Hummingbird answers, as `HandedOverRequestsHandler` reports them

    func hummingbirdReadHead() {
        activity.readHead(now: .now())
    }

    func hummingbirdReadBodyOrEnd(isEnd: Bool) {
        activity.readBodyOrEnd(isEnd: isEnd, now: .now())
    }

    /// Hummingbird writes a response's `.end`; true when the connection is to be closed right
    /// after it (graceful shutdown).
    func hummingbirdWritesEnd(isActive: Bool) -> Bool {
        // Hummingbird also writes an `.end` for requests it never got (its 400 after a parse
        // error); the connection closes after those, so never counting below zero is enough.
        if outstanding > 0 { outstanding -= 1 }
        switch activity.wroteEnd(now: .now(), isActive: isActive) {
        case .close: return true
        case .schedule(let deadline): arm(deadline)
        case .none: break
        }
        return false
    }

    // MARK: -

    /// Answers `head` here when nothing is outstanding and the fast path can; hands it to the
    /// decoder otherwise.
    private func take(_ head: RequestHead, context: ChannelHandlerContext) {
        if outstanding == 0 {
            let start = NIODeadline.now()
            date.update()
            if let made = fastPath.respond(to: head, date: date) {
                write(made, readAt: start, context: context)
                return
            }
        }
        // Counted before it goes: its response cannot be written before it is counted.
        outstanding += 1
        context.fireChannelRead(wrapInboundOut(head.bytes))
    }

    private func write(_ made: MadeResponse, readAt start: NIODeadline, context: ChannelHandlerContext) {
        activity.readHead(now: start)
        activity.readBodyOrEnd(isEnd: true, now: start)
        context.write(wrapOutboundOut(.byteBuffer(made.bytes)), promise: nil)
        if let body = made.separateBody { context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil) }
        needsFlush = true
        let end = NIODeadline.now()
        record(status: made.status, duration: end - start)
        switch activity.wroteEnd(now: end, isActive: context.channel.isActive) {
        case .close:
            // Nothing after this answer is read.
            reader = nil
            needsFlush = false
            context.flush()
            context.close(promise: nil)
        case .schedule(let deadline): arm(deadline)
        case .none: break
        }
    }

    /// From here on every byte goes to NIO's decoder, starting with what is buffered (the head
    /// that could not be read, and anything after it).
    private func handOverForGood(context: ChannelHandlerContext) {
        guard var reader else { return }
        self.reader = nil
        // The bytes count as activity, though no head was read here: an upgrade request gets a
        // whole idle timeout to be answered even in the WebSocket variant, where no
        // `HandedOverRequestsHandler` reports it.
        activity.handedOver(now: .now())
        if let buffered = reader.takeBuffered() { context.fireChannelRead(wrapInboundOut(buffered)) }
    }

    /// True once NIO's upgrade handler has taken the HTTP/1 handlers out of the pipeline (a
    /// WebSocket): HTTP's idle and shutdown rules no longer apply, as Hummingbird sets none for
    /// WebSockets.
    private func hasLeftHTTP1(_ context: ChannelHandlerContext) -> Bool {
        reader == nil && (try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)) == nil
    }

    private func record(status: Int, duration: TimeAmount) {
        let recorder: ServeMetrics.RequestRecorder
        if let known = recorders[status] {
            recorder = known
        } else {
            recorder = fastPath.metrics.recorder(route: HLSServer.streamFileRoute, status: status)
            recorders[status] = recorder
        }
        recorder.record(.nanoseconds(duration.nanoseconds))
    }

    private func perform(_ action: ConnectionActivity.Action, context: ChannelHandlerContext) {
        switch action {
        case .none: break
        case .close: context.close(promise: nil)
        case .schedule(let deadline): arm(deadline)
        }
    }

    /// Arms the idle timer unless one is armed (as Hummingbird's handler does).
    private func arm(_ deadline: NIODeadline) {
        guard idleTimer == nil, let context else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            idleTimer = nil
            guard !hasLeftHTTP1(context) else { return }
            perform(activity.timerFired(now: .now(), isActive: context.channel.isActive), context: context)
        }
    }
}
