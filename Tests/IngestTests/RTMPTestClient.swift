@testable import Ingest

/// Builds what a publishing client sends, for tests (handshake, connect … publish, media).
struct RTMPTestClient {
    var encoder = RTMPChunkEncoder()

    static func handshake() -> [UInt8] {
        [3] + [UInt8](repeating: 0, count: 8) + (0..<1528).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    }

    static let c2 = [UInt8](repeating: 0x5A, count: 1536)

    func command(_ values: [AMF0Value], streamID: UInt32 = 0, chunkStreamID: UInt32 = 3) -> [UInt8] {
        encoder.encode(
            RTMPMessage(
                chunkStreamID: chunkStreamID, timestamp: 0, typeID: RTMPMessage.TypeID.commandAMF0, messageStreamID: streamID,
                payload: AMF0.encode(values)))
    }

    /// connect, releaseStream, FCPublish, createStream, publish — as ffmpeg sends them.
    func publishCommands(app: String = "live", stream: String = "cam1") -> [UInt8] {
        command([
            .string("connect"), .number(1),
            .object([("app", .string(app)), ("type", .string("nonprivate")), ("tcUrl", .string("rtmp://127.0.0.1/\(app)"))]),
        ])
            + command([.string("releaseStream"), .number(2), .null, .string(stream)])
            + command([.string("FCPublish"), .number(3), .null, .string(stream)])
            + command([.string("createStream"), .number(4), .null])
            + command([.string("publish"), .number(5), .null, .string(stream), .string("live")], streamID: 1, chunkStreamID: 4)
    }

    func media(_ type: UInt8, timestamp: UInt32, _ payload: [UInt8]) -> [UInt8] {
        encoder.encode(
            RTMPMessage(
                chunkStreamID: type == RTMPMessage.TypeID.video ? 6 : 4, timestamp: timestamp, typeID: type, messageStreamID: 1,
                payload: payload))
    }
}

/// A valid 160×120 High-profile avcC (SPS/PPS of an x264 encode) and an AAC-LC 48 kHz mono ASC.
enum RTMPFixtures {
    static let sps: [UInt8] = [
        0x67, 0x64, 0x00, 0x0B, 0xAC, 0xD9, 0x42, 0x84, 0x7E, 0x5C, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0C, 0x83, 0xC5,
        0x0A, 0x65, 0x80,
    ]
    static let pps: [UInt8] = [0x68, 0xEF, 0x8F, 0xCB]
    static let asc: [UInt8] = [0x11, 0x88]

    static var avcC: [UInt8] {
        [1, sps[1], sps[2], sps[3], 0xFF, 0xE1, 0, UInt8(sps.count)] + sps + [1, 0, UInt8(pps.count)] + pps
    }

    static var videoSequenceHeader: [UInt8] { [0x17, 0, 0, 0, 0] + avcC }
    static var audioSequenceHeader: [UInt8] { [0xAE, 0] + asc }

    static func videoFrame(keyframe: Bool, cts: Int32 = 0, nal: [UInt8]) -> [UInt8] {
        let c = UInt32(bitPattern: cts)
        return [keyframe ? 0x17 : 0x27, 1, UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)]
            + [0, 0, 0, UInt8(nal.count)] + nal
    }

    static func audioFrame(_ bytes: [UInt8]) -> [UInt8] { [0xAE, 1] + bytes }
}
