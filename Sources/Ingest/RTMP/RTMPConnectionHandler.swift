import Logging
import NIOCore
import NIOPosix

/// One RTMP connection on its event loop: bytes go through the `RTMPServerSession` as they are
/// read (no task hop per read), replies are written back, media goes to the publish queue.
/// Reading pauses while the hub decides on a publish request (what was already read waits, so
/// every output is handled in the order the session produced it) and while the stream's queue
/// is full (TCP backpressure on a publisher the packager cannot keep up with).
///
/// NIO's `IdleStateHandler` in front of it reports a connection that sends nothing for
/// `readTimeout`; this handler closes it, unless reading is paused (a publish decision or a full
/// queue), when the silence is the server's own.
///
/// The connection counts as pending (`RTMPPendingConnections`) until its publish is accepted or
/// it closes. Every end but a normal one (the peer closes after publishing, or after
/// FCUnpublish / deleteStream) is logged as a warning with its reason; refusals because a
/// shared limit ran out are logged by `RTMPPendingConnections`, at most once a second.
final class RTMPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let remote: String
    private let handler: any PublishHandler
    private let logger: Logger
    private var session: RTMPServerSession
    private var sink: LiveMediaQueue?
    private var streamName: String?
    /// Why the connection is ending, once it is logged (nil: no abnormal end so far).
    private var endReason: String?
    private let pending: RTMPPendingConnections
    /// Counted in `pending` (until a publish is accepted or the connection closes).
    private var countedAsPending = true
    /// A publish was accepted on this connection: its close is a normal end.
    private var published = false
    /// A publish decision is pending: outputs after the request and newly read bytes wait.
    private var deciding = false
    private var waitingOutputs: [RTMPServerSession.Output] = []
    /// The outputs of the current read, and the media among them on their way to the queue
    /// together: both kept between reads so that a read allocates neither.
    private var outputs: [RTMPServerSession.Output] = []
    private var media: [MediaEvent] = []
    /// Bytes read while paused (decision or full queue), handled in order once unpaused.
    private var waitingBytes: [ByteBuffer] = []
    /// The stream's queue is over its limit: no reads until it has room.
    private var waitingForRoom = false
    /// Closing after bad input, a refusal or an error: nothing more is read.
    private var stopped = false
    private var inactive = false
    /// How long a peer may send nothing (`IdleStateHandler` measures it): named in the log line.
    private let readTimeout: TimeAmount

    init(remoteAddress: String, handler: any PublishHandler, readTimeout: TimeAmount, pending: RTMPPendingConnections, logger: Logger) {
        self.remote = remoteAddress
        self.handler = handler
        self.readTimeout = readTimeout
        self.pending = pending
        self.logger = logger
        self.session = RTMPServerSession(
            remoteAddress: remoteAddress, maximumMessageSize: pending.limits.maximumMessageSize, budget: pending.budget, logger: logger)
    }

    private func leavePending() {
        guard countedAsPending else { return }
        countedAsPending = false
        pending.leave()
    }

    private var logName: String { "rtmp \(remote)\(streamName.map { " (\($0))" } ?? "")" }

    /// Ends the connection for an error of the session: a warning with the error's code, or,
    /// when a budget shared by all pending connections ran out, a refusal (counted, logged
    /// once a second).
    private func close(for error: IngestError, context: ChannelHandlerContext) {
        endReason = "\(error)"
        if error.code == .serverBusy, !published {
            pending.refused(.bufferBudget, on: context.eventLoop)
        } else {
            logger.warning("\(logName): closing the connection: \(error)", metadata: ["code": "\(error.code)"])
        }
        stop(context: context)
    }

    /// `IdleStateHandler`'s report of `readTimeout` without a read.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case IdleStateHandler.IdleStateEvent.read = event else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // While reading is paused (publish decision, full queue) silence is ours, not the peer's.
        guard !stopped, !inactive, !deciding, !waitingForRoom else { return }
        let reason = "nothing received for \(readTimeout.nanoseconds / 1_000_000) ms"
        endReason = reason
        logger.warning("\(logName): closing the connection: \(reason)")
        stop(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !stopped else { return }
        if deciding || waitingForRoom {  // reads already under way when reading paused
            waitingBytes.append(buffer)
            return
        }
        receive(buffer, context: context)
    }

    private func receive(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        let arrival = ContinuousClock.now
        defer { outputs.removeAll(keepingCapacity: true) }  // not holding the media until the next read
        do {
            try session.receive(buffer.readableBytesView, into: &outputs)
        } catch {
            close(for: error, context: context)
            return
        }
        handle(outputs[...], arrival: arrival, context: context)
    }

    private func handle(
        _ outputs: ArraySlice<RTMPServerSession.Output>, arrival: ContinuousClock.Instant, context: ChannelHandlerContext
    ) {
        var wrote = false
        defer { if wrote { context.flush() } }
        for index in outputs.indices {
            if case .media(let event) = outputs[index] {
                media.append(event)
                continue
            }
            deliverMedia(arrival: arrival, context: context)  // what came before, in order
            switch outputs[index] {
            case .send(let bytes):
                context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
                wrote = true
            case .publishRequested(let request):
                deciding = true
                waitingOutputs = Array(outputs[(index + 1)...])
                updateReading(context: context)
                decide(request, context: context)
                return
            case .media:
                break  // collected above
            case .unpublished:
                sink?.finish(reason: nil)
                sink = nil
            }
        }
        deliverMedia(arrival: arrival, context: context)
    }

    private func decide(_ request: PublishRequest, context: ChannelHandlerContext) {
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
        let handler = self.handler
        Task {
            let decision = await handler.publish(request)
            eventLoop.execute {
                bound.value.handler.decided(decision, request: request, context: bound.value.context)
            }
        }
    }

    private func decided(_ decision: PublishDecision, request: PublishRequest, context: ChannelHandlerContext) {
        deciding = false
        switch decision {
        case .accept(let accepted):
            // Also when the connection went away while the hub decided: what the publisher
            // sent before it closed is published, then the stream ends (`endAfterClose`).
            sink = accepted
            streamName = request.streamName
            published = true
            leavePending()
            logger.info("rtmp \(remote): publishing \(request.streamName)")
            do {
                for item in try session.acceptPublish(streamName: request.streamName) {
                    switch item {
                    case .send(let bytes): context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
                    case .media(let event): media.append(event)
                    default: break
                    }
                }
                context.flush()
                deliverMedia(arrival: .now, context: context)
            } catch {
                close(for: error, context: context)
            }
        case .refuse(let refusal):
            endReason = "publish of \(request.streamName) refused: \(refusal.reason)"
            logger.warning("rtmp \(remote): publish of \(request.streamName) refused: \(refusal.reason)")
            stopped = true
            guard !inactive else { return }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: session.refusePublish(refusal)))).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        }
        // Carry on with what came after the request, in order.
        if !stopped {
            let outputs = waitingOutputs
            waitingOutputs = []
            handle(outputs[...], arrival: .now, context: context)
        }
        if inactive { endAfterClose(context: context) } else { resume(context: context) }
    }

    /// Handles the bytes read while paused, then reads on, unless something pauses again.
    private func resume(context: ChannelHandlerContext) {
        while !deciding, !waitingForRoom, !stopped, !waitingBytes.isEmpty {
            receive(waitingBytes.removeFirst(), context: context)
        }
        updateReading(context: context)
    }

    /// Queues the collected media events in one go; pauses reading when the queue is full.
    private func deliverMedia(arrival: ContinuousClock.Instant, context: ChannelHandlerContext) {
        guard !media.isEmpty else { return }
        defer { media.removeAll(keepingCapacity: true) }
        guard let sink, !sink.send(contentsOf: media, arrival: arrival), !waitingForRoom else { return }
        waitingForRoom = true
        updateReading(context: context)
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        sink.whenRoom { [eventLoop = context.eventLoop] in
            eventLoop.execute {
                bound.value.handler.waitingForRoom = false
                bound.value.handler.resume(context: bound.value.context)
            }
        }
    }

    /// Reads only while no publish decision is pending and the stream's queue has room.
    private func updateReading(context: ChannelHandlerContext) {
        guard !stopped, !inactive else { return }
        let read = !deciding && !waitingForRoom
        context.channel.setOption(ChannelOptions.autoRead, value: read).whenComplete { _ in }
        if read { context.read() }
    }

    private func stop(context: ChannelHandlerContext) {
        stopped = true
        context.close(promise: nil)
    }

    /// A socket error (connection reset, …): a warning, unless the connection was already
    /// ending for a reason logged before (then the error is its consequence).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if endReason == nil {
            endReason = "\(error)"
            logger.warning("\(logName): connection error: \(error)")
        } else {
            logger.debug("\(logName): connection error after \(endReason ?? ""): \(error)")
        }
        stop(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
        leavePending()
        if endReason == nil, !published, !deciding {  // a publish decided later is logged by `decided`
            endReason = "closed \(session.progress)"
            logger.warning("\(logName): connection closed \(session.progress)")
        }
        if !deciding { endAfterClose(context: context) }  // else `decided` ends it
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leavePending()
    }

    /// The connection is closed. Bytes it read before the close that were waiting (reading was
    /// paused for a full queue) are handled all the same: the queue's limit holds reading back,
    /// it does not drop what was read. A publisher that sends its last frames and closes while
    /// the packager is behind loses none of them. Then the stream ends.
    private func endAfterClose(context: ChannelHandlerContext) {
        while !stopped, !deciding, !waitingBytes.isEmpty {
            receive(waitingBytes.removeFirst(), context: context)
        }
        guard !deciding else { return }  // the last bytes asked to publish again: `decided` ends it
        stopped = true
        waitingBytes = []
        if let sink {
            logger.info("rtmp \(remote): \(streamName ?? "?") disconnected")
            sink.finish(reason: endReason)
            self.sink = nil
        }
    }
}
