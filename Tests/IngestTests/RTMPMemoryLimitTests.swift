import Segmenter
import TestSupport
import Testing

@testable import Ingest

/// A session as the server makes one, fed in reads of `batch` bytes like a socket delivers.
struct FedSession {
    var session: RTMPServerSession
    var outputs: [RTMPServerSession.Output] = []
    /// Bytes taken without an error.
    var fed = 0

    init(maximumMessageSize: Int = RTMPLimits.defaultMaximumMessageSize, budget: RTMPBufferBudget? = nil) {
        session = RTMPServerSession(
            remoteAddress: "test", handshakeRandom: [UInt8](repeating: 0, count: 1528), maximumMessageSize: maximumMessageSize,
            budget: budget)
    }

    /// Feeds `bytes`; accepts a publish request at once (as the hub does for an open stream).
    mutating func feed(_ bytes: [UInt8], batch: Int = 64 << 10) throws(IngestError) {
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + batch)
            for output in try session.receive(bytes[index..<end]) {
                outputs.append(output)
                if case .publishRequested(let request) = output {
                    outputs += try session.acceptPublish(streamName: request.streamName)
                }
            }
            fed += end - index
            index = end
        }
    }

    var packets: [MediaPacket] { outputs.compactMap { if case .media(.packet(let packet)) = $0 { packet } else { nil } } }
}

@Suite("RTMP memory limits")
struct RTMPMemoryLimitTests {
    static let handshake = RTMPTestClient.handshake() + RTMPTestClient.c2
    static let client = RTMPTestClient()
    /// connect, releaseStream, FCPublish, createStream: everything but publish.
    static var commandsBeforePublish: [UInt8] {
        client.command([.string("connect"), .number(1), .object([("app", .string("live")), ("tcUrl", .string("rtmp://127.0.0.1/live"))])])
            + client.command([.string("releaseStream"), .number(2), .null, .string("cam1")])
            + client.command([.string("FCPublish"), .number(3), .null, .string("cam1")])
            + client.command([.string("createStream"), .number(4), .null])
    }
    static var publish: [UInt8] {
        client.command([.string("publish"), .number(5), .null, .string("cam1"), .string("live")], streamID: 1, chunkStreamID: 4)
    }

    @Test(
        "before a publish is accepted a connection holds at most 256 KiB, however much of its large messages it sends",
        arguments: [false, true], [7, 64 << 10])
    func boundBeforePublish(connected: Bool, batch: Int) {
        let prefix = Self.handshake + (connected ? Self.commandsBeforePublish : [])
        // Chunk size 1 MiB, most of two 4 MiB messages (the largest a publisher may send).
        let attack = RTMPPartialMessages.bytes(chunkSize: 1 << 20, length: 4 << 20, sent: 3 << 20, streams: 2)
        var connection = FedSession()
        do {
            try connection.feed(prefix + attack, batch: batch)
            Issue.record("all \(attack.count) bytes of unfinished messages were taken")
        } catch {
            #expect(error.code == .limitExceeded, "\(error)")
            #expect(error.reason.contains("before a publish was accepted"), "\(error)")
            // Set Chunk Size and the chunk header are held too (the chunk is not complete).
            #expect(
                connection.fed - prefix.count <= RTMPLimits.maximumBufferedBytesBeforePublish + 32,
                "refused after \(connection.fed - prefix.count) bytes")
        }
    }

    @Test("media sent with publish, before the answer, is kept: the limit before publish counts only what is held")
    func mediaRightAfterPublish() throws {
        var bytes = Self.handshake + Self.commandsBeforePublish + Self.publish
        bytes += Self.client.media(9, timestamp: 0, RTMPFixtures.videoSequenceHeader)
        bytes += Self.client.media(8, timestamp: 0, RTMPFixtures.audioSequenceHeader)
        bytes += Self.client.media(
            9, timestamp: 0, RTMPFixtures.videoFrame(keyframe: true, nal: [0x65] + [UInt8](repeating: 1, count: 200)))
        var connection = FedSession()
        try connection.feed(bytes, batch: bytes.count)  // one read, as a client that does not wait sends it
        #expect(connection.packets.count == 1)
    }

    @Test(
        "after publish a message may be as large as the server allows (4 MiB unless configured), and no larger",
        arguments: [nil, 1 << 20])
    func messageSizeAfterPublish(configured: Int?) throws {
        let maximum = configured ?? 4 << 20
        let start = Self.handshake + Self.commandsBeforePublish + Self.publish
        var encoder = RTMPChunkEncoder()
        var media = encoder.setChunkSize(64 << 10)
        media += encoder.encode(
            RTMPMessage(chunkStreamID: 6, timestamp: 0, typeID: 9, messageStreamID: 1, payload: RTMPFixtures.videoSequenceHeader))
        media += encoder.encode(
            RTMPMessage(chunkStreamID: 4, timestamp: 0, typeID: 8, messageStreamID: 1, payload: RTMPFixtures.audioSequenceHeader))
        // A keyframe message of exactly `maximum` bytes: FLV header (5), NAL length (4), NAL.
        let nal = [0x65] + [UInt8](repeating: 0xAB, count: maximum - 10)
        let keyframe = [0x17, 1, 0, 0, 0] + RTMPChunkEncoder.bigEndian(UInt32(nal.count)) + nal
        media += encoder.encode(RTMPMessage(chunkStreamID: 6, timestamp: 40, typeID: 9, messageStreamID: 1, payload: keyframe))

        var connection = configured.map { FedSession(maximumMessageSize: $0) } ?? FedSession()
        try connection.feed(start + media)
        #expect(connection.packets.map(\.data.count) == [maximum - 5])

        // One byte more is refused at its header, before any of it is held.
        let length = maximum + 1
        let header: [UInt8] = [0x06, 0, 0, 80, UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), 9, 1, 0, 0, 0]
        let before = connection.fed
        #expect {
            try connection.feed(header + [0x17])
        } throws: { error in
            (error as? IngestError)?.code == .limitExceeded && (error as? IngestError)?.reason.contains("--rtmp-max-message-size") == true
        }
        #expect(connection.fed == before)
    }

    @Test(
        "connections waiting to publish share one budget; one whose bytes do not fit is closed; publishing or closing gives its share back")
    func sharedBudget() throws {
        let chunk = 64 << 10
        let budget = RTMPBufferBudget(capacity: 5 * chunk)
        // Three 64 KiB chunks of a 4 MiB video message: 192 KiB held, under the 256 KiB each may hold.
        let prefix = Self.handshake + Self.commandsBeforePublish
        let partial = RTMPPartialMessages.bytes(chunkSize: chunk, length: 4 << 20, sent: 3 * chunk, streams: 1)

        var first = FedSession(budget: budget)
        try first.feed(prefix + partial, batch: chunk + 1)
        #expect(budget.bytesInUse == 3 * chunk)

        do {
            var second = FedSession(budget: budget)
            #expect {
                try second.feed(prefix + partial, batch: chunk + 1)
            } throws: { error in
                (error as? IngestError)?.code == .serverBusy
            }
            #expect(budget.bytesInUse <= 5 * chunk)
        }
        #expect(budget.bytesInUse == 3 * chunk, "the closed connection's share is given back")

        try first.feed(Self.publish)
        #expect(first.session.isPublishing)
        #expect(budget.bytesInUse == 0, "an accepted publish gives the share back")

        do {
            var third = FedSession(budget: budget)
            try third.feed(prefix + partial, batch: chunk + 1)
            #expect(budget.bytesInUse == 3 * chunk)
        }
        #expect(budget.bytesInUse == 0)
    }
}
