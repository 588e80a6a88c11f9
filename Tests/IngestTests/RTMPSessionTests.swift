import Segmenter
import Testing

@testable import Ingest

/// Runs `bytes` through a session in batches of `batch`, accepting any publish request.
private func run(_ bytes: [UInt8], batch: Int, accept: Bool = true) throws -> (
    outputs: [RTMPServerSession.Output], session: RTMPServerSession
) {
    var session = RTMPServerSession(remoteAddress: "test", handshakeRandom: [UInt8](repeating: 0, count: 1528))
    var outputs: [RTMPServerSession.Output] = []
    var index = 0
    while index < bytes.count {
        let end = min(bytes.count, index + batch)
        for output in try session.receive(bytes[index..<end]) {
            outputs.append(output)
            if case .publishRequested(let request) = output {
                if accept {
                    outputs += try session.acceptPublish(streamName: request.streamName)
                } else {
                    outputs.append(.send(session.refusePublish(PublishRefusal(.alreadyPublishing, "busy"))))
                }
            }
        }
        index = end
    }
    return (outputs, session)
}

/// The commands in the server's replies, decoded with our own chunk decoder.
private func replyCommands(_ outputs: [RTMPServerSession.Output]) throws -> [[AMF0Value]] {
    var bytes: [UInt8] = []
    for case .send(let chunk) in outputs { bytes += chunk }
    var decoder = RTMPChunkDecoder()
    return try decoder.receive(bytes.dropFirst(1 + 2 * 1536)).filter { $0.typeID == RTMPMessage.TypeID.commandAMF0 }.map {
        try AMF0.decodeAll($0.payload)
    }
}

@Suite("RTMP session")
struct RTMPSessionTests {
    static var publishStream: [UInt8] {
        let client = RTMPTestClient()
        var bytes = RTMPTestClient.handshake() + RTMPTestClient.c2 + client.publishCommands(stream: "cam1?token=s3cret")
        bytes += client.command(
            [.string("@setDataFrame"), .string("onMetaData"), .ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(10))])],
            streamID: 1, chunkStreamID: 4
        )
        .map { $0 }
        // Data messages are type 18: rewrite the type byte of that single-chunk message.
        bytes[
            bytes.count
                - (AMF0.encode([
                    .string("@setDataFrame"), .string("onMetaData"),
                    .ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(10))]),
                ]).count + 5)] = 18
        bytes += client.media(9, timestamp: 0, RTMPFixtures.videoSequenceHeader)
        bytes += client.media(8, timestamp: 0, RTMPFixtures.audioSequenceHeader)
        bytes += client.media(9, timestamp: 0, RTMPFixtures.videoFrame(keyframe: true, cts: 80, nal: [0x65, 1, 2, 3]))
        bytes += client.media(8, timestamp: 0, RTMPFixtures.audioFrame([0x21, 0x10]))
        bytes += client.media(8, timestamp: 21, RTMPFixtures.audioFrame([0x21, 0x11]))
        bytes += client.media(9, timestamp: 40, RTMPFixtures.videoFrame(keyframe: false, cts: -40, nal: [0x41, 9]))
        bytes += client.command([.string("FCUnpublish"), .number(6), .null, .string("cam1")])
        return bytes
    }

    @Test("ffmpeg's command flow gets the replies it waits for, then media comes out; any split", arguments: [1, 13, 4096, 1 << 20])
    func flow(batch: Int) throws {
        let (outputs, _) = try run(Self.publishStream, batch: batch)
        let commands = try replyCommands(outputs)
        #expect(commands.map { $0.first?.stringValue } == ["_result", "onFCPublish", "_result", "onStatus"])
        #expect(commands[0][3]["code"] == .string("NetConnection.Connect.Success"))
        #expect(commands[2][3] == .number(1))
        #expect(commands[3][3]["code"] == .string("NetStream.Publish.Start"))

        let requests = outputs.compactMap { if case .publishRequested(let request) = $0 { request } else { nil } }
        #expect(requests == [PublishRequest(app: "live", streamName: "cam1", query: ["token": "s3cret"], remoteAddress: "test")])

        let media = outputs.compactMap { if case .media(let event) = $0 { event } else { nil } }
        guard case .tracks(let tracks) = media.first else {
            Issue.record("no tracks first")
            return
        }
        #expect(tracks.map(\.id) == [1, 2])
        if case .video(_, let width, let height, 1000) = tracks[0].format {
            #expect(width == 160 && height == 120)
        } else {
            Issue.record("video track")
        }
        let packets = media.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
        #expect(packets.count == 4)
        #expect(packets[0] == MediaPacket(trackID: 1, dts: 0, pts: 80, isKeyframe: true, data: [0, 0, 0, 4, 0x65, 1, 2, 3]))
        #expect(packets[1] == MediaPacket(trackID: 2, dts: 0, pts: 0, duration: 1024, isKeyframe: true, data: [0x21, 0x10]))
        // 21 ms at 48 kHz is 1008 samples; within one ms of 1024, so smoothed to the exact continuation.
        #expect(packets[2].dts == 1024)
        #expect(packets[3].dts == 40 && packets[3].pts == 0 && !packets[3].isKeyframe)
        #expect(outputs.last == .unpublished)
    }

    @Test("receive(_:into:) appends to what the array held, the same outputs as receive(_:)")
    func receiveInto() throws {
        var byReturn = RTMPServerSession(remoteAddress: "test", handshakeRandom: [UInt8](repeating: 0, count: 1528))
        var byAppend = byReturn
        let bytes = RTMPTestClient.handshake() + RTMPTestClient.c2 + RTMPTestClient().publishCommands(stream: "cam1")
        var outputs: [RTMPServerSession.Output] = [.unpublished]
        try byAppend.receive(bytes, into: &outputs)
        let returned = try byReturn.receive(bytes)
        #expect(returned.count > 1)
        #expect(outputs == [.unpublished] + returned)
    }

    @Test("a refused publish gets an error onStatus")
    func refused() throws {
        let (outputs, session) = try run(Self.publishStream, batch: 100_000, accept: false)
        let commands = try replyCommands(outputs)
        #expect(commands.last?[3]["level"] == .string("error"))
        #expect(commands.last?[3]["code"] == .string("NetStream.Publish.BadName"))
        #expect(!session.isPublishing)
        #expect(!outputs.contains { if case .media = $0 { true } else { false } })
    }

    @Test("media before publish, publish before connect and a broken sequence header close the connection")
    func protocolErrors() {
        let client = RTMPTestClient()
        let start = RTMPTestClient.handshake() + RTMPTestClient.c2
        #expect(
            ingestErrorCode { _ = try run(start + client.media(9, timestamp: 0, RTMPFixtures.videoSequenceHeader), batch: 10_000) }
                == .invalidStream)
        #expect(
            ingestErrorCode {
                _ = try run(start + client.command([.string("publish"), .number(5), .null, .string("x")]), batch: 10_000)
            } == .invalidStream)
        #expect(
            ingestErrorCode {
                _ = try run(start + client.publishCommands() + client.media(9, timestamp: 0, [0x17, 0, 0, 0, 0, 1, 0x64]), batch: 10_000)
            } == .invalidStream)
        // Audio in a sound format hlsseg does not take (11: Speex) is dropped, not fatal (G711IngestTests).
        #expect(
            ingestErrorCode {
                _ = try run(start + client.publishCommands() + client.media(8, timestamp: 0, [0xBE, 0, 1]), batch: 10_000)
            } == nil)
    }

    @Test("Window Acknowledgement Size from the client makes the server acknowledge")
    func acknowledgement() throws {
        let client = RTMPTestClient()
        var bytes = RTMPTestClient.handshake() + RTMPTestClient.c2
        bytes += client.encoder.encode(RTMPMessage(chunkStreamID: 2, timestamp: 0, typeID: 5, messageStreamID: 0, payload: [0, 0, 1, 0]))
        bytes += client.publishCommands()
        let (outputs, _) = try run(bytes, batch: 1 << 20)
        var reply: [UInt8] = []
        for case .send(let chunk) in outputs { reply += chunk }
        var decoder = RTMPChunkDecoder()
        let acks = try decoder.receive(reply.dropFirst(1 + 2 * 1536)).filter { $0.typeID == 3 }
        #expect(acks.count == 1)
    }
}

/// The demuxer's events of one message as an array (the server appends them to one it reuses).
extension FLVDemuxer {
    fileprivate mutating func video(timestamp: UInt32, payload: [UInt8]) throws -> [MediaEvent] {
        var events: [MediaEvent] = []
        try video(timestamp: timestamp, payload: payload, into: &events)
        return events
    }

    fileprivate mutating func audio(timestamp: UInt32, payload: [UInt8]) throws -> [MediaEvent] {
        var events: [MediaEvent] = []
        try audio(timestamp: timestamp, payload: payload, into: &events)
        return events
    }
}

@Suite("FLV demuxer")
struct FLVDemuxerTests {
    @Test("32-bit millisecond timestamps keep rising across the wrap")
    func wraparound() throws {
        var demuxer = FLVDemuxer()
        demuxer.metadata([.ecmaArray([("videocodecid", .number(7))])])
        var events = try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader)
        events += try demuxer.video(timestamp: UInt32.max - 39, payload: RTMPFixtures.videoFrame(keyframe: true, nal: [0x65]))
        events += try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoFrame(keyframe: false, nal: [0x41]))
        let dts = events.compactMap { if case .packet(let packet) = $0 { packet.dts } else { nil } }
        #expect(dts == [Int64(UInt32.max) - 39, Int64(UInt32.max) + 1])
    }

    @Test("a new, different sequence header announces new tracks; the same one does not")
    func codecChange() throws {
        var demuxer = FLVDemuxer()
        demuxer.metadata([.ecmaArray([("videocodecid", .number(7))])])
        #expect(try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader).count == 1)
        #expect(try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader).isEmpty)
        var changed = RTMPFixtures.videoSequenceHeader
        changed[changed.count - 1] ^= 0x01  // another PPS
        #expect(try demuxer.video(timestamp: 0, payload: changed).count == 1)
    }

    @Test("packets wait for every announced track's sequence header")
    func waitsForTracks() throws {
        var demuxer = FLVDemuxer()
        demuxer.metadata([.string("onMetaData"), .ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(10))])])
        #expect(try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader).isEmpty)
        #expect(try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoFrame(keyframe: true, nal: [0x65])).isEmpty)
        let events = try demuxer.audio(timestamp: 0, payload: RTMPFixtures.audioSequenceHeader)
        #expect(events.count == 2)
    }
}
