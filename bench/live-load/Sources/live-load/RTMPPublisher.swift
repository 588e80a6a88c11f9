import NIOCore

/// What one publishing connection sends: handshake, the command flow, then FLV tags as RTMP
/// messages (type 0 header on the first chunk of each message, type 3 after; 4096-byte chunks).
enum RTMPWire {
    static let chunkSize = 4096

    static func c0c1() -> [UInt8] { [3] + [UInt8](repeating: 0, count: 8) + (0..<1528).map { UInt8(truncatingIfNeeded: $0) } }

    static func message(chunkStream: UInt8, timestamp: UInt32, type: UInt8, streamID: UInt32, payload: [UInt8], into out: inout ByteBuffer) {
        let extended = timestamp >= 0xFFFFFF
        let field = extended ? 0xFFFFFF : timestamp
        var sent = 0
        repeat {
            if sent == 0 {
                out.writeInteger(chunkStream)
                out.writeInteger(UInt8(field >> 16 & 0xFF))
                out.writeInteger(UInt16(field & 0xFFFF))
                out.writeInteger(UInt8(payload.count >> 16 & 0xFF))
                out.writeInteger(UInt16(payload.count & 0xFFFF))
                out.writeInteger(type)
                out.writeInteger(streamID, endianness: .little)
            } else {
                out.writeInteger(0xC0 | chunkStream)
            }
            if extended { out.writeInteger(timestamp) }
            let count = min(chunkSize, payload.count - sent)
            out.writeBytes(payload[sent..<(sent + count)])
            sent += count
        } while sent < payload.count
    }

    static func amfString(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return [0x02, UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8
    }

    static func amfNumber(_ value: Double) -> [UInt8] {
        let bits = value.bitPattern
        return [0x00] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> (UInt64($0) * 8)) }
    }

    static func amfObject(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [0x03]
        for (key, value) in entries {
            let utf8 = Array(key.utf8)
            out += [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8 + value
        }
        return out + [0, 0, 0x09]
    }

    /// Set Chunk Size, connect, releaseStream, FCPublish, createStream, publish (stream id 1).
    static func commands(app: String, tcURL: String, key: String) -> ByteBuffer {
        var out = ByteBuffer()
        message(chunkStream: 2, timestamp: 0, type: 1, streamID: 0, payload: [0, 0, UInt8(chunkSize >> 8), UInt8(chunkSize & 0xFF)], into: &out)
        message(chunkStream: 3, timestamp: 0, type: 20, streamID: 0, payload: amfString("connect") + amfNumber(1) + amfObject([("app", amfString(app)), ("type", amfString("nonprivate")), ("tcUrl", amfString(tcURL))]), into: &out)
        message(chunkStream: 3, timestamp: 0, type: 20, streamID: 0, payload: amfString("releaseStream") + amfNumber(2) + [0x05] + amfString(key), into: &out)
        message(chunkStream: 3, timestamp: 0, type: 20, streamID: 0, payload: amfString("FCPublish") + amfNumber(3) + [0x05] + amfString(key), into: &out)
        message(chunkStream: 3, timestamp: 0, type: 20, streamID: 0, payload: amfString("createStream") + amfNumber(4) + [0x05], into: &out)
        message(chunkStream: 4, timestamp: 0, type: 20, streamID: 1, payload: amfString("publish") + amfNumber(5) + [0x05] + amfString(key) + amfString("live"), into: &out)
        return out
    }
}

/// One publisher: handshake, wait for NetStream.Publish.Start, then the tags at real-time pace,
/// looping the file (timestamps keep rising) until `duration` has passed.
final class PublisherHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: every member is touched only on the channel's event loop (handler callbacks
    // and tasks scheduled on `context.eventLoop`).
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State { case handshake, waitingForPublish, streaming, done }

    let tags: [FLVTag]
    let loopLength: UInt32
    let app: String
    let tcURL: String
    let key: String
    let duration: TimeAmount
    let stats: Stats
    private var state = State.handshake
    private var received: [UInt8] = []
    private var start = NIODeadline.now()
    private var next = 0
    private var loop: UInt32 = 0
    private var timer: Scheduled<Void>?

    init(tags: [FLVTag], app: String, tcURL: String, key: String, duration: TimeAmount, stats: Stats) {
        self.tags = tags
        self.loopLength = (tags.last?.timestamp ?? 0) + 40
        self.app = app
        self.tcURL = tcURL
        self.key = key
        self.duration = duration
        self.stats = stats
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(ByteBuffer(bytes: RTMPWire.c0c1())), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        switch state {
        case .handshake:
            received += buffer.readableBytesView
            guard received.count >= 1 + 2 * 1536 else { return }
            var out = ByteBuffer(bytes: received[1..<1537])  // C2 = echo of S1
            out.writeImmutableBuffer(RTMPWire.commands(app: app, tcURL: tcURL, key: key))
            received = Array(received[(1 + 2 * 1536)...])
            state = .waitingForPublish
            context.writeAndFlush(NIOAny(out), promise: nil)
            checkPublishStart(context: context)
        case .waitingForPublish:
            received += buffer.readableBytesView
            checkPublishStart(context: context)
        default:
            break
        }
    }

    private func checkPublishStart(context: ChannelHandlerContext) {
        let text = String(decoding: received, as: UTF8.self)
        if text.contains("NetStream.Publish.Start") {
            received = []
            state = .streaming
            start = .now()
            stats.started()
            pump(context: context)
        } else if text.contains("NetStream.Publish.BadName") || text.contains("Unauthorized") || received.count > 1 << 20 {
            stats.refused()
            state = .done
            context.close(promise: nil)
        }
    }

    /// Sends the tags that are due, in one write, on a 10 ms grid from `start` (an encoder
    /// sends a frame as it is made; 10 ms is finer than the 21 ms between AAC frames), then
    /// sleeps until the grid tick at or after the next tag's time: no wake-ups for empty ticks,
    /// which at 500 streams were most of this generator's own CPU.
    /// Frames: what the server segments or transcodes: AVC NALU and AAC raw tags (packet type
    /// 1), and every tag of an audio format without sequence headers (G.711: sound formats 7
    /// and 8); not metadata, sequence headers or ffmpeg's AVC end-of-sequence tag.
    static func isFrame(_ tag: FLVTag) -> Bool {
        guard tag.type != 18, tag.body.count > 1 else { return false }
        if tag.type == 8, tag.body[0] >> 4 != 10 { return true }
        return tag.body[1] == 1
    }

    private func pump(context: ChannelHandlerContext) {
        let elapsed = NIODeadline.now() - start
        guard elapsed < duration else {
            state = .done
            context.close(promise: nil)
            return
        }
        let now = UInt32(elapsed.nanoseconds / 1_000_000)
        var out = ByteBuffer()
        var nextDue: UInt32
        while true {
            if next == tags.count {
                next = 0
                loop += 1
            }
            let tag = tags[next]
            let timestamp = tag.timestamp &+ loop &* loopLength
            guard timestamp <= now else {
                nextDue = timestamp
                break
            }
            // Sequence headers and metadata only once.
            let frame = Self.isFrame(tag)
            if loop == 0 || frame {
                RTMPWire.message(chunkStream: tag.type == 9 ? 6 : (tag.type == 8 ? 4 : 5), timestamp: timestamp, type: tag.type == 18 ? 18 : tag.type, streamID: 1, payload: tag.body, into: &out)
                stats.sent(bytes: tag.body.count, frame: frame)
            }
            next += 1
        }
        if out.readableBytes > 0 { context.writeAndFlush(NIOAny(out), promise: nil) }
        let tick = TimeAmount.milliseconds(Int64((nextDue + 9) / 10 * 10))
        let wake = start + min(tick, duration)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: wake) {
            let (handler, context) = loopBound.value
            handler.pump(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if state != .done { stats.dropped() }
        state = .done
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
