import Logging
import Segmenter

/// One publishing client, from the first handshake byte to `deleteStream`: a plain state machine
/// (bytes in; bytes to send, publish requests and media out), tested without sockets.
///
/// The command flow real publishers (ffmpeg, OBS, librtmp) go through, and what they wait for:
/// ```
/// connect(txn 1, {app, tcUrl, …})  ◀─ Window Ack Size, Set Peer Bandwidth, Set Chunk Size,
///                                      _result(NetConnection.Connect.Success; `fourCcList`,
///                                      `videoFourCcInfoMap` and `audioFourCcInfoMap` of the
///                                      FourCCs we take when the client sent any of them)
/// releaseStream(name), FCPublish(name) ◀─ onFCPublish(NetStream.Publish.Start)
/// createStream(txn)                ◀─ _result(txn, null, stream id 1)
/// publish(name?query, "live")      ◀─ (the hub decides) StreamBegin, onStatus(NetStream.Publish.Start)
///                                      or onStatus(error: BadName / Unauthorized), then close
/// @setDataFrame onMetaData, audio, video …
/// FCUnpublish, deleteStream        ─  end of publishing
/// ```
///
/// Until a publish is accepted the session holds little: at most
/// `RTMPLimits.maximumBufferedBytesBeforePublish` of unfinished messages and media held while
/// the publish is decided, and only as much as its share of the server's `RTMPBufferBudget`
/// allows. Once accepted, a message may be as large as `maximumMessageSize`.
public struct RTMPServerSession: Sendable {
    public enum Output: Sendable, Equatable {
        case send([UInt8])
        /// The client asked to publish; answer with `acceptPublish()` or `refusePublish(_:)`.
        case publishRequested(PublishRequest)
        case media(MediaEvent)
        /// The client ended publishing (FCUnpublish / deleteStream); the connection may stay open.
        case unpublished
    }

    enum State: Equatable { case handshake, waitingForConnect, connected, deciding, publishing, unpublished }

    /// What the server announces: its window and the chunk size it sends with.
    public static let windowAcknowledgementSize: UInt32 = 2_500_000
    public static let outgoingChunkSize = 4096
    static let publishStreamID: UInt32 = 1

    private var state = State.handshake
    private var handshake: RTMPHandshake
    private var decoder: RTMPChunkDecoder
    private var encoder = RTMPChunkEncoder()
    private var demuxer = FLVDemuxer()
    private var app = ""
    private var tcURLQuery: [String: String] = [:]
    private var peerWindow: UInt32 = 0
    /// Media, data and command messages that came while the publish decision was pending.
    private var held: [RTMPMessage] = []
    /// Payload bytes in `held`: they count against the limit before publish, with the
    /// decoder's unfinished messages.
    private var heldBytes = 0
    private let maximumMessageSize: Int
    /// The messages of one read and the media events of one message: kept between reads so
    /// that a read allocates no arrays of its own but the outputs it returns.
    private var received: [RTMPMessage] = []
    private var events: [MediaEvent] = []
    private var acknowledged: UInt64 = 0
    private let remoteAddress: String
    /// Where the demuxer's warnings (dropped audio, skipped tracks) go.
    private let logger: Logger

    /// A session whose publisher may send messages of up to `maximumMessageSize` bytes once its
    /// publish is accepted; before that it holds at most
    /// `RTMPLimits.maximumBufferedBytesBeforePublish`, and (with a `budget`) only what its share
    /// of the budget allows. The demuxer's warnings go to `logger`.
    public init(
        remoteAddress: String, handshakeRandom: [UInt8]? = nil,
        maximumMessageSize: Int = RTMPLimits.defaultMaximumMessageSize, budget: RTMPBufferBudget? = nil,
        logger: Logger = Logger(label: "hlsseg.rtmp")
    ) {
        self.remoteAddress = remoteAddress
        self.logger = logger
        self.maximumMessageSize = maximumMessageSize
        handshake = RTMPHandshake(random: handshakeRandom)
        // Messages may announce their full size before publish (a client that does not wait for
        // the answer to `publish` sends a keyframe at once), but only the bytes that arrive are
        // held, and few may.
        decoder = RTMPChunkDecoder(
            maximumMessageLength: maximumMessageSize, maximumBufferedBytes: RTMPLimits.maximumBufferedBytesBeforePublish)
        decoder.limitsBeforePublish = true
        decoder.budgetShare = budget.map { RTMPBufferBudget.Share(of: $0) }
    }

    public var isPublishing: Bool { state == .publishing }

    /// How far the client got, for the log line of a connection that closes before publishing.
    var progress: String {
        switch state {
        case .handshake: "during the handshake"
        case .waitingForConnect: "before connect"
        case .connected: "before publish"
        case .deciding: "while its publish was decided"
        case .publishing: "while publishing"
        case .unpublished: "after publishing"
        }
    }

    /// Takes bytes from the client. Throws (the connection must then be closed) on malformed or
    /// hostile input; the error's reason names what was wrong.
    public mutating func receive(_ bytes: some Collection<UInt8>) throws(IngestError) -> [Output] {
        var outputs: [Output] = []
        try receive(bytes, into: &outputs)
        return outputs
    }

    /// As `receive(_:)`, appending to `outputs` (the server reuses one array for every read).
    public mutating func receive(_ bytes: some Collection<UInt8>, into outputs: inout [Output]) throws(IngestError) {
        defer { received.removeAll(keepingCapacity: true) }
        if state == .handshake {
            let (reply, rest) = try handshake.receive(Array(bytes))
            if !reply.isEmpty { outputs.append(.send(reply)) }
            guard handshake.isComplete else { return }
            state = .waitingForConnect
            try decoder.receive(rest, into: &received)
        } else {
            try decoder.receive(bytes, into: &received)  // no intermediate copy of every read
        }
        for index in received.indices {
            let message = received[index]
            received[index].payload = []  // `message` alone holds the payload: FLV headers are cut off in place
            try handle(message, into: &outputs)
        }
        if peerWindow > 0, decoder.bytesReceived - acknowledged >= UInt64(peerWindow) {
            acknowledged = decoder.bytesReceived
            outputs.append(
                .send(
                    encoder.encode(
                        control(RTMPMessage.TypeID.acknowledgement, RTMPChunkEncoder.bigEndian(UInt32(truncatingIfNeeded: acknowledged))))))
        }
    }

    /// The hub accepted the publish request: the replies to send, then the media the client
    /// sent while the decision was pending (clients that do not wait for onStatus).
    public mutating func acceptPublish(streamName: String) throws(IngestError) -> [Output] {
        state = .publishing
        if decoder.limitsBeforePublish {  // the publisher's limits from now on; its budget share is given back
            decoder.limitsBeforePublish = false
            decoder.maximumBufferedBytes = RTMPLimits.maximumBufferedBytes(maximumMessageSize: maximumMessageSize)
            decoder.budgetShare = nil
        }
        // User Control StreamBegin (event 0) for the publishing stream.
        var bytes = encoder.encode(control(RTMPMessage.TypeID.userControl, [0, 0] + RTMPChunkEncoder.bigEndian(Self.publishStreamID)))
        bytes += onStatus(level: "status", code: "NetStream.Publish.Start", description: "\(streamName) is now published.")
        var outputs: [Output] = [.send(bytes)]
        let waiting = held
        held = []
        heldBytes = 0
        for message in waiting { try handle(message, into: &outputs) }
        return outputs
    }

    /// The hub refused it; send these bytes, then close the connection.
    public mutating func refusePublish(_ refusal: PublishRefusal) -> [UInt8] {
        state = .unpublished
        let code =
            switch refusal.kind {
            case .badName, .alreadyPublishing: "NetStream.Publish.BadName"
            case .unauthorized: "NetStream.Publish.Unauthorized"
            case .outputRefused: "NetStream.Publish.Failed"
            }
        return onStatus(level: "error", code: code, description: refusal.reason)
    }

    // MARK: - Messages

    private mutating func handle(_ message: consuming RTMPMessage, into outputs: inout [Output]) throws(IngestError) {
        if state == .deciding, message.typeID > RTMPMessage.TypeID.setPeerBandwidth {  // keep order: all but protocol control
            guard held.count < RTMPLimits.maximumPendingPackets else {
                throw IngestError(
                    .limitExceeded, "RTMP: more than \(RTMPLimits.maximumPendingPackets) media messages before the publish was accepted")
            }
            heldBytes += message.payload.count
            guard heldBytes + decoder.bufferedBytes <= decoder.maximumBufferedBytes else {
                throw IngestError(
                    .limitExceeded,
                    "RTMP: more than \(decoder.maximumBufferedBytes) bytes of messages before the publish was accepted (only commands are expected then)"
                )
            }
            held.append(message)
            return
        }
        switch message.typeID {
        case RTMPMessage.TypeID.windowAcknowledgementSize:
            guard let size = ByteReader(message.payload).getUInt32(at: 0) else {
                throw IngestError(.invalidStream, "RTMP: Window Acknowledgement Size shorter than 4 bytes")
            }
            peerWindow = size
        case RTMPMessage.TypeID.commandAMF0, RTMPMessage.TypeID.commandAMF3:
            let body = message.typeID == RTMPMessage.TypeID.commandAMF3 ? Array(message.payload.dropFirst()) : message.payload
            outputs += try command(AMF0.decodeAll(body), message: message)
        case RTMPMessage.TypeID.dataAMF0, RTMPMessage.TypeID.dataAMF3:
            let body = message.typeID == RTMPMessage.TypeID.dataAMF3 ? Array(message.payload.dropFirst()) : message.payload
            guard state == .publishing else { return }
            demuxer.metadata(try AMF0.decodeAll(body))
        case RTMPMessage.TypeID.video, RTMPMessage.TypeID.audio:
            guard state == .publishing else {
                if state == .unpublished { return }
                throw IngestError(.invalidStream, "RTMP: media before a successful publish")
            }
            defer { events.removeAll(keepingCapacity: true) }
            let payload = message.payload
            message.payload = []  // the demuxer gets the only reference
            if message.typeID == RTMPMessage.TypeID.video {
                try demuxer.video(timestamp: message.timestamp, payload: consume payload, into: &events)
            } else {
                try demuxer.audio(timestamp: message.timestamp, payload: consume payload, into: &events)
            }
            for event in events { outputs.append(.media(event)) }
        default:
            break  // acknowledgements, user control, peer bandwidth, chunk size/abort (applied by the decoder)
        }
    }

    /// The Enhanced RTMP FourCCs `FLVDemuxer` takes, named in the connect `_result` to a client
    /// that sent its own `fourCcList`, `videoFourCcInfoMap` or `audioFourCcInfoMap`.
    static let acceptedVideoFourCCs = ["hvc1", "avc1"]
    static let acceptedAudioFourCCs = ["Opus", "mp4a", ".mp3"]
    /// FourCcInfoMask.CanForward (enhanced-rtmp v2): the server passes these codecs on without
    /// decoding them, the capability a publisher needs of an ingest server.
    static let fourCCCanForward = 0x04

    private mutating func command(_ values: [AMF0Value], message: RTMPMessage) throws(IngestError) -> [Output] {
        guard let name = values.first?.stringValue else {
            throw IngestError(.invalidStream, "RTMP: command message without a command name")
        }
        let transaction = values.count > 1 ? values[1].numberValue ?? 0 : 0
        switch name {
        case "connect":
            guard state == .waitingForConnect else { throw IngestError(.invalidStream, "RTMP: second connect on one connection") }
            let object = values.count > 2 ? values[2] : .null
            let (appName, appQuery) = PublishRequest.splitQuery(object["app"]?.stringValue ?? "")
            app = appName.split(separator: "/").first.map(String.init) ?? appName
            tcURLQuery = appQuery.merging(PublishRequest.splitQuery(object["tcUrl"]?.stringValue ?? "").query) { first, _ in first }
            state = .connected
            var bytes = encoder.encode(
                control(RTMPMessage.TypeID.windowAcknowledgementSize, RTMPChunkEncoder.bigEndian(Self.windowAcknowledgementSize)))
            bytes += encoder.encode(
                control(RTMPMessage.TypeID.setPeerBandwidth, RTMPChunkEncoder.bigEndian(Self.windowAcknowledgementSize) + [2]))
            bytes += encoder.setChunkSize(Self.outgoingChunkSize)
            var properties: [(String, AMF0Value)] = [("fmsVer", .string("FMS/3,0,1,123")), ("capabilities", .number(31))]
            if ["fourCcList", "videoFourCcInfoMap", "audioFourCcInfoMap"].contains(where: { object[$0] != nil }) {
                // An Enhanced RTMP client: answer with the FourCCs we take, in both forms of the specification.
                let all = Self.acceptedVideoFourCCs + Self.acceptedAudioFourCCs
                properties.append(("fourCcList", .strictArray(all.map { .string($0) })))
                for (name, fourCCs) in [
                    ("videoFourCcInfoMap", Self.acceptedVideoFourCCs), ("audioFourCcInfoMap", Self.acceptedAudioFourCCs),
                ] {
                    properties.append((name, .object(fourCCs.map { ($0, .number(Double(Self.fourCCCanForward))) })))
                }
            }
            bytes += commandBytes([
                .string("_result"), .number(transaction),
                .object(properties),
                .object([
                    ("level", .string("status")), ("code", .string("NetConnection.Connect.Success")),
                    ("description", .string("Connection succeeded.")), ("objectEncoding", .number(0)),
                ]),
            ])
            return [.send(bytes)]
        case "releaseStream", "FCPublish", "createStream", "publish", "FCUnpublish", "deleteStream", "closeStream":
            guard state != .waitingForConnect else { throw IngestError(.invalidStream, "RTMP: \(name) before connect") }
        default:
            return []  // getStreamLength, _checkbw, … need no answer from a publishing server
        }
        switch name {
        case "FCPublish":
            let streamName = values.count > 3 ? values[3].stringValue ?? "" : ""
            return [
                .send(
                    commandBytes([
                        .string("onFCPublish"), .number(0), .null,
                        .object([
                            ("code", .string("NetStream.Publish.Start")),
                            ("description", .string(PublishRequest.splitQuery(streamName).name)),
                        ]),
                    ]))
            ]
        case "createStream":
            return [.send(commandBytes([.string("_result"), .number(transaction), .null, .number(Double(Self.publishStreamID))]))]
        case "publish":
            guard state == .connected || state == .unpublished else {
                throw IngestError(.invalidStream, "RTMP: publish while already publishing")
            }
            guard values.count > 3, let key = values[3].stringValue, !key.isEmpty else {
                throw IngestError(.invalidStream, "RTMP: publish without a stream name")
            }
            let (streamName, query) = PublishRequest.splitQuery(key)
            // A new publish on the same connection starts from its own headers.
            demuxer = FLVDemuxer(logName: "rtmp \(remoteAddress) (\(streamName.prefix(80)))", logger: logger)
            state = .deciding
            return [
                .publishRequested(
                    PublishRequest(
                        app: app, streamName: streamName, query: query.merging(tcURLQuery) { first, _ in first },
                        remoteAddress: remoteAddress))
            ]
        case "FCUnpublish", "deleteStream", "closeStream":
            guard state == .publishing else { return [] }
            state = .unpublished
            return [.unpublished]
        default:
            return []  // releaseStream: nothing to release
        }
    }

    private func control(_ type: UInt8, _ payload: [UInt8]) -> RTMPMessage {
        RTMPMessage(chunkStreamID: 2, timestamp: 0, typeID: type, messageStreamID: 0, payload: payload)
    }

    private func commandBytes(_ values: [AMF0Value], streamID: UInt32 = 0) -> [UInt8] {
        encoder.encode(
            RTMPMessage(
                chunkStreamID: 3, timestamp: 0, typeID: RTMPMessage.TypeID.commandAMF0, messageStreamID: streamID,
                payload: AMF0.encode(values)))
    }

    private func onStatus(level: String, code: String, description: String) -> [UInt8] {
        encoder.encode(
            RTMPMessage(
                chunkStreamID: 5, timestamp: 0, typeID: RTMPMessage.TypeID.commandAMF0, messageStreamID: Self.publishStreamID,
                payload: AMF0.encode([
                    .string("onStatus"), .number(0), .null,
                    .object([("level", .string(level)), ("code", .string(code)), ("description", .string(description))]),
                ])))
    }
}
