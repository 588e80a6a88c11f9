import Testing

@testable import Ingest

/// Feeds `bytes` to a decoder one byte at a time, in fixed batches and whole; all must agree.
private func decodeEverySplit(_ bytes: [UInt8]) throws -> [RTMPMessage] {
    var whole = RTMPChunkDecoder()
    let expected = try whole.receive(bytes)
    for batch in [1, 2, 3, 7, 64, 1000] {
        var decoder = RTMPChunkDecoder()
        var messages: [RTMPMessage] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + batch)
            messages += try decoder.receive(bytes[index..<end])
            index = end
        }
        #expect(messages == expected, "batch size \(batch)")
        #expect(decoder.bytesReceived == UInt64(bytes.count))
    }
    return expected
}

@Suite("RTMP chunk stream")
struct RTMPChunkTests {
    @Test("type 0 header: timestamp, length, type, little-endian stream id")
    func type0() throws {
        let bytes: [UInt8] = [0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x03, 0x14, 0x01, 0x00, 0x00, 0x00, 0xAA, 0xBB, 0xCC]
        let messages = try decodeEverySplit(bytes)
        #expect(messages == [RTMPMessage(chunkStreamID: 3, timestamp: 0x102, typeID: 20, messageStreamID: 1, payload: [0xAA, 0xBB, 0xCC])])
    }

    @Test("types 1, 2 and 3 add deltas; type 3 repeats the last delta")
    func deltas() throws {
        var bytes: [UInt8] = [0x04, 0, 0, 100, 0, 0, 1, 9, 1, 0, 0, 0, 0xA0]  // fmt 0, ts 100
        bytes += [0x44, 0, 0, 40, 0, 0, 2, 9, 0xA1, 0xA2]  // fmt 1, +40, length 2
        bytes += [0x84, 0, 0, 33, 0xB1, 0xB2]  // fmt 2, +33
        bytes += [0xC4, 0xC1, 0xC2]  // fmt 3: +33 again
        let messages = try decodeEverySplit(bytes)
        #expect(messages.map(\.timestamp) == [100, 140, 173, 206])
        #expect(messages.map(\.payload) == [[0xA0], [0xA1, 0xA2], [0xB1, 0xB2], [0xC1, 0xC2]])
        #expect(messages.allSatisfy { $0.messageStreamID == 1 && $0.typeID == 9 })
    }

    @Test("a message split over chunks, interleaved with another chunk stream")
    func interleaved() throws {
        let long = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        var bytes: [UInt8] = [0x06, 0, 0, 0, 0, 0x01, 0x2C, 9, 1, 0, 0, 0] + long[0..<128]
        bytes += [0x04, 0, 0, 5, 0, 0, 1, 8, 1, 0, 0, 0, 0xEE]  // audio in between
        bytes += [0xC6] + long[128..<256] + [0xC6] + long[256...]
        let messages = try decodeEverySplit(bytes)
        #expect(messages.count == 2)
        #expect(messages[0].typeID == 8 && messages[0].payload == [0xEE])
        #expect(messages[1].payload == long)
    }

    @Test("a 64 KiB message over 512 chunks of 128 bytes, interleaved with audio, in every split")
    func manyChunks() throws {
        let encoder = RTMPChunkEncoder()
        let video = RTMPMessage(
            chunkStreamID: 6, timestamp: 40, typeID: 9, messageStreamID: 1,
            payload: (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let audio = RTMPMessage(chunkStreamID: 4, timestamp: 40, typeID: 8, messageStreamID: 1, payload: [0xAF, 0x01, 0x21])
        let videoBytes = encoder.encode(video)
        // The audio message goes between two chunks of the video message.
        let cut = 12 + 128 * 200 + 199
        #expect(videoBytes[cut] == 0xC6)
        let bytes = Array(videoBytes[..<cut]) + encoder.encode(audio) + videoBytes[cut...]
        #expect(try decodeEverySplit(bytes) == [audio, video])
    }

    @Test("extended timestamps, also in type 3 continuation chunks")
    func extendedTimestamp() throws {
        let encoder = RTMPChunkEncoder()
        let payload = [UInt8](repeating: 7, count: 200)
        let message = RTMPMessage(chunkStreamID: 6, timestamp: 0x1234_5678, typeID: 9, messageStreamID: 1, payload: payload)
        let bytes = encoder.encode(message)
        #expect(bytes.count == 12 + 4 + 128 + 1 + 4 + 72)
        #expect(try decodeEverySplit(bytes) == [message])
    }

    @Test("two- and three-byte chunk stream ids")
    func longChunkStreamIDs() throws {
        let encoder = RTMPChunkEncoder()
        let messages = [64, 319, 320, 65599].map {
            RTMPMessage(chunkStreamID: UInt32($0), timestamp: 1, typeID: 20, messageStreamID: 0, payload: [1, 2])
        }
        #expect(try decodeEverySplit(messages.flatMap(encoder.encode)) == messages)
    }

    @Test("Set Chunk Size changes how later chunks are read")
    func setChunkSize() throws {
        var encoder = RTMPChunkEncoder()
        var bytes = encoder.setChunkSize(4096)
        let message = RTMPMessage(
            chunkStreamID: 6, timestamp: 0, typeID: 9, messageStreamID: 1, payload: [UInt8](repeating: 1, count: 3000))
        bytes += encoder.encode(message)
        let messages = try decodeEverySplit(bytes)
        #expect(messages.last == message)
        var decoder = RTMPChunkDecoder()
        _ = try decoder.receive(bytes)
        #expect(decoder.chunkSize == 4096)
    }

    @Test("Abort drops the partial message of its chunk stream")
    func abort() throws {
        var bytes: [UInt8] = [0x06, 0, 0, 0, 0, 0x01, 0x2C, 9, 1, 0, 0, 0] + [UInt8](repeating: 9, count: 128)
        bytes += [0x02, 0, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0, 6]  // Abort chunk stream 6
        bytes += [0x06, 0, 0, 0, 0, 0, 1, 9, 1, 0, 0, 0, 0x42]
        let messages = try decodeEverySplit(bytes)
        #expect(messages.map(\.typeID) == [2, 9])
        #expect(messages.last?.payload == [0x42])
    }

    @Test(
        "hostile input is refused with its code, whole and one byte at a time",
        arguments: [
            ([0x46, 0, 0, 0, 0, 0, 1, 9], .invalidStream),  // type 1 header before any full header
            ([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF], .limitExceeded),  // Set Chunk Size 2^31 - 1
            ([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0], .invalidStream),  // Set Chunk Size 0
            ([0x02, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0x80], .invalidStream),  // Set Chunk Size of 3 bytes
            ([0x02, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 6], .invalidStream),  // Abort of 2 bytes
            ([0x06, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0], .limitExceeded),  // a message longer than allowed
        ] as [([UInt8], IngestError.Code)])
    func hostile(bytes: [UInt8], code: IngestError.Code) {
        var whole = RTMPChunkDecoder()
        #expect(ingestErrorCode { _ = try whole.receive(bytes) } == code)
        var byByte = RTMPChunkDecoder()
        #expect(ingestErrorCode { for byte in bytes { _ = try byByte.receive([byte]) } } == code)
    }

    @Test("too many chunk streams in flight")
    func tooManyChunkStreams() {
        var decoder = RTMPChunkDecoder()
        var bytes: [UInt8] = []
        for id in 0..<(RTMPLimits.maximumChunkStreams + 1) {
            bytes += [0x00, UInt8(id), 0, 0, 0, 0, 0, 200, 9, 1, 0, 0, 0] + [UInt8](repeating: 0xAB, count: 128)  // each unfinished
        }
        #expect(ingestErrorCode { _ = try decoder.receive(bytes) } == .limitExceeded)
    }

    @Test("every proper prefix of a valid stream decodes to a prefix of its messages, without errors")
    func truncationSweep() throws {
        let client = RTMPTestClient()
        let bytes = client.publishCommands() + client.media(9, timestamp: 40, RTMPFixtures.videoSequenceHeader)
        var full = RTMPChunkDecoder()
        let all = try full.receive(bytes)
        for cut in 0..<bytes.count {
            var decoder = RTMPChunkDecoder()
            let messages = try decoder.receive(bytes[..<cut])
            #expect(Array(all.prefix(messages.count)) == messages)
        }
    }
}

@Suite("RTMP handshake")
struct RTMPHandshakeTests {
    @Test("C0+C1 gets S0+S1+S2 (S2 echoes C1); bytes after C2 are passed on; any split")
    func handshake() throws {
        let c0c1 = RTMPTestClient.handshake()
        let input = c0c1 + RTMPTestClient.c2 + [0x03, 0x04]
        for batch in [1, 5, 1537, input.count] {
            var handshake = RTMPHandshake(random: [UInt8](repeating: 1, count: 1528))
            var reply: [UInt8] = []
            var rest: [UInt8] = []
            var index = 0
            while index < input.count {
                let end = min(input.count, index + batch)
                let result = try handshake.receive(input[index..<end])
                reply += result.reply
                rest += result.rest
                index = end
            }
            #expect(handshake.isComplete)
            #expect(reply.count == 1 + 2 * 1536)
            #expect(reply[0] == 3)
            #expect(Array(reply[1537...]) == Array(c0c1[1...]))
            #expect(rest == [0x03, 0x04])
        }
    }

    @Test("a version other than 3 is refused")
    func wrongVersion() {
        var handshake = RTMPHandshake()
        #expect(ingestErrorCode { _ = try handshake.receive([0x06]) } == .invalidStream)
        var http = RTMPHandshake()
        #expect(ingestErrorCode { _ = try http.receive(Array("GET / HTTP/1.1\r\n".utf8)) } == .invalidStream)
    }
}
