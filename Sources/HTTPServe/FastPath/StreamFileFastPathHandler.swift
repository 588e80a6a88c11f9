import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The per-connection part of `StreamFileFastPath`, placed right after Hummingbird's
/// `HTTP1ToHTTPServerCodec` (through `HTTP1Channel.Configuration.additionalChannelHandlers`).
///
/// Pipeline of one connection:
/// ```
/// HTTPResponseEncoder ─ HTTP/1 decoder ─ HTTP1ToHTTPServerCodec ─ StreamFileFastPathHandler
///   ─ HTTPConnectionStateHandler (Hummingbird's, no timeout) ─ NIOAsyncChannel → router
/// ```
/// A request it answers is written here and its parts go no further; every other request
/// passes through untouched. Hummingbird's responses pass back through `write`, which is
/// how the handler knows when they are done.
///
/// Its answers are written as NIO's `HTTPServerResponsePart`s from the codec's position,
/// the parts the codec would make of them, so a response kept for many requests is
/// converted once. `HTTPResponseEncoder` still sees every response head (it pairs them with
/// the request methods the decoder saw, to leave out bodies of HEAD answers).
///
/// Order: HTTP/1.1 answers pipelined requests in order. Hummingbird's HTTP/1 channel runs
/// without NIO's pipelining handler (its own task answers one request after another), so
/// while any request handed to Hummingbird still has its response outstanding, later
/// requests are handed over too, whatever they are; the fast path answers only when nothing
/// is outstanding, and its answer is then queued behind everything written before.
///
/// Idle timeout and graceful shutdown are kept here (`ConnectionActivity`): Hummingbird's
/// state handler behind this one sees only the requests handed over, so it runs without a
/// timeout and never gets the quiesce event.
final class StreamFileFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let fastPath: StreamFileFastPath
    private var activity: ConnectionActivity
    private var idleTimer: Scheduled<Void>?
    /// Where answers are written: the codec's context, whose next outbound handler is NIO's
    /// response encoder. Nil (nothing answered here) if the pipeline has no such codec.
    private var codec: ChannelHandlerContext?
    /// Requests handed to Hummingbird whose response `.end` has not been written yet.
    private var outstanding = 0
    /// The request being read was answered here: drop its remaining parts.
    private var droppingRest = false
    private var needsFlush = false
    /// A `read` held back while the channel is not writable.
    private var heldRead = false
    private var date = DateField()
    /// Metrics of the statuses answered on this connection so far.
    private var recorders: [Int: ServeMetrics.RequestRecorder] = [:]

    init(fastPath: StreamFileFastPath, idleTimeout: TimeAmount?) {
        self.fastPath = fastPath
        self.activity = ConnectionActivity(idleTimeout: idleTimeout, now: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        codec = try? context.pipeline.syncOperations.context(handlerType: HTTP1ToHTTPServerCodec.self)
        if context.channel.isActive { perform(activity.becameActive(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(activity.becameActive(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            let start = NIODeadline.now()
            activity.readHead(now: start)
            date.update()
            if outstanding == 0, let codec, let made = fastPath.respond(to: request, date: date) {
                // The same parts Hummingbird's `ResponseWriter.write(response:body:)` writes.
                codec.write(NIOAny(HTTPServerResponsePart.head(made.head)), promise: nil)
                if let body = made.body { codec.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil) }
                codec.write(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                needsFlush = true
                droppingRest = true
                record(status: made.status, since: start)
                switch activity.wroteEnd(now: .now(), isActive: context.channel.isActive) {
                case .close:
                    needsFlush = false
                    context.flush()
                    context.close(promise: nil)
                case .schedule(let deadline): arm(deadline, context: context)
                case .none: break
                }
            } else {
                outstanding += 1
                context.fireChannelRead(data)
            }
        case .body:
            activity.readBodyOrEnd(isEnd: false, now: .now())
            if !droppingRest { context.fireChannelRead(data) }
        case .end:
            activity.readBodyOrEnd(isEnd: true, now: .now())
            if droppingRest {
                droppingRest = false
            } else {
                context.fireChannelRead(data)
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

    /// Hummingbird's responses on their way out.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // Hummingbird also writes an `.end` for requests it never got (its 400 after a parse
        // error); the connection closes after those, so never counting below zero is enough.
        if outstanding > 0 { outstanding -= 1 }
        switch activity.wroteEnd(now: .now(), isActive: context.channel.isActive) {
        case .close:
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
        case .schedule(let deadline):
            context.write(data, promise: promise)
            arm(deadline, context: context)
        case .none:
            context.write(data, promise: promise)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        perform(activity.quiesce(), context: context)
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

    private func record(status: Int, since start: NIODeadline) {
        let recorder: ServeMetrics.RequestRecorder
        if let known = recorders[status] {
            recorder = known
        } else {
            recorder = fastPath.metrics.recorder(route: HLSServer.streamFileRoute, status: status)
            recorders[status] = recorder
        }
        recorder.record(.nanoseconds((NIODeadline.now() - start).nanoseconds))
    }

    private func perform(_ action: ConnectionActivity.Action, context: ChannelHandlerContext) {
        switch action {
        case .none: break
        case .close: context.close(promise: nil)
        case .schedule(let deadline): arm(deadline, context: context)
        }
    }

    /// Arms the idle timer unless one is armed (as Hummingbird's handler does).
    private func arm(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        guard idleTimer == nil else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            idleTimer = nil
            perform(activity.timerFired(now: .now(), isActive: context.channel.isActive), context: context)
        }
    }
}
