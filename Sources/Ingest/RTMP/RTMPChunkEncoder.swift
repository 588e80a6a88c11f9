/// Splits outgoing messages into chunks: a type 0 header on the first chunk, type 3 on the rest
/// (RTMP specification §5.3.1). The server sends few messages, so no header compression.
public struct RTMPChunkEncoder: Sendable {
    public private(set) var chunkSize = RTMPChunkDecoder.defaultChunkSize

    public init() {}

    /// Encodes a Set Chunk Size message and uses the new size from then on.
    public mutating func setChunkSize(_ size: Int) -> [UInt8] {
        let bytes = encode(
            RTMPMessage(
                chunkStreamID: 2, timestamp: 0, typeID: RTMPMessage.TypeID.setChunkSize, messageStreamID: 0,
                payload: Self.bigEndian(UInt32(size))))
        chunkSize = size
        return bytes
    }

    public func encode(_ message: RTMPMessage) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.payload.count + 32)
        let extended = message.timestamp >= 0xFFFFFF
        let field = extended ? 0xFFFFFF : message.timestamp
        var sent = 0
        repeat {
            basicHeader(format: sent == 0 ? 0 : 3, chunkStreamID: message.chunkStreamID, into: &out)
            if sent == 0 {
                out += [UInt8(field >> 16 & 0xFF), UInt8(field >> 8 & 0xFF), UInt8(field & 0xFF)]
                let length = UInt32(message.payload.count)
                out += [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
                out.append(message.typeID)
                let id = message.messageStreamID
                out += [UInt8(id & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id >> 16 & 0xFF), UInt8(id >> 24 & 0xFF)]
            }
            if extended { out += Self.bigEndian(message.timestamp) }
            let count = min(chunkSize, message.payload.count - sent)
            out += message.payload[sent..<(sent + count)]
            sent += count
        } while sent < message.payload.count
        return out
    }

    private func basicHeader(format: UInt8, chunkStreamID id: UInt32, into out: inout [UInt8]) {
        switch id {
        case 2...63: out.append(format << 6 | UInt8(id))
        case 64...319: out += [format << 6, UInt8(id - 64)]
        default: out += [format << 6 | 1, UInt8((id - 64) & 0xFF), UInt8((id - 64) >> 8 & 0xFF)]
        }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
