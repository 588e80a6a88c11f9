/// What the stream list shows about an init segment: RFC 6381 codec strings and the video size.
///
/// A small ISO-BMFF walk: `moov/trak/tkhd` (width, height as 16.16 fixed point) and
/// `moov/trak/mdia/minf/stbl/stsd` sample entries `avc1`/`hvc1`/`mp4a` with their `avcC` /
/// `esds` children. Unknown boxes are skipped; anything malformed ends the walk with what was found.
struct InitSegmentInfo: Sendable, Equatable {
    var codecs: [String] = []
    var width: Int?
    var height: Int?

    /// Deepest box nesting followed (moov/trak/mdia/minf/stbl/stsd/avc1/avcC is 8).
    static let maxDepth = 10

    init(bytes: [UInt8]) {
        walk(bytes[...], depth: 0)
    }

    private mutating func walk(_ data: ArraySlice<UInt8>, depth: Int) {
        guard depth < Self.maxDepth else { return }
        var offset = data.startIndex
        while offset + 8 <= data.endIndex {
            var size = Int(Self.be32(data, offset))
            let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            var header = 8
            if size == 1, offset + 16 <= data.endIndex {
                size = Int(Self.be32(data, offset + 8)) << 32 | Int(Self.be32(data, offset + 12))
                header = 16
            } else if size == 0 {
                size = data.endIndex - offset
            }
            guard size >= header, offset + size <= data.endIndex else { return }
            let body = data[offset + header..<offset + size]
            switch type {
            case "moov", "trak", "mdia", "minf", "stbl":
                walk(body, depth: depth + 1)
            case "tkhd":
                // version 0: 84-byte body; version 1: 96; width/height are the last 8 bytes.
                if body.count >= 84 {
                    let width = Int(Self.be32(body, body.endIndex - 8) >> 16)
                    let height = Int(Self.be32(body, body.endIndex - 4) >> 16)
                    if width > 0, height > 0 { self.width = width; self.height = height }
                }
            case "stsd":
                if body.count > 8 { walk(body.dropFirst(8), depth: depth + 1) }  // version/flags + entry count
            case "avc1", "avc3", "hvc1", "hev1":
                // VisualSampleEntry: 78 bytes before its child boxes.
                if body.count > 78 { sampleEntry(type, children: body.dropFirst(78), depth: depth) }
            case "mp4a":
                // AudioSampleEntry: 28 bytes before its child boxes.
                if body.count > 28 { sampleEntry(type, children: body.dropFirst(28), depth: depth) }
            default:
                break
            }
            offset += size
        }
    }

    private mutating func sampleEntry(_ type: String, children: ArraySlice<UInt8>, depth: Int) {
        var offset = children.startIndex
        while offset + 8 <= children.endIndex {
            let size = Int(Self.be32(children, offset))
            guard size >= 8, offset + size <= children.endIndex else { break }
            let childType = String(decoding: children[offset + 4..<offset + 8], as: UTF8.self)
            let body = children[offset + 8..<offset + size]
            if childType == "avcC", body.count >= 4 {
                let hex = body.dropFirst().prefix(3).map { byte in
                    let text = String(byte, radix: 16, uppercase: true)
                    return text.count == 1 ? "0" + text : text
                }.joined()
                codecs.append("\(type).\(hex)")
                return
            }
            if childType == "esds", let objectType = Self.audioObjectType(esds: body) {
                codecs.append("mp4a.40.\(objectType)")
                return
            }
            offset += size
        }
        codecs.append(type == "mp4a" ? "mp4a.40.2" : type)
    }

    /// The AudioSpecificConfig's first five bits, found as the DecoderSpecificInfo (tag 5).
    private static func audioObjectType(esds: ArraySlice<UInt8>) -> Int? {
        guard esds.count > 4 else { return nil }
        var index = esds.startIndex + 4  // version + flags
        while index < esds.endIndex - 1 {
            if esds[index] == 0x05 {
                var cursor = index + 1
                var steps = 0
                while cursor < esds.endIndex, esds[cursor] & 0x80 != 0, steps < 4 { cursor += 1; steps += 1 }
                cursor += 1
                guard cursor < esds.endIndex else { return nil }
                let objectType = Int(esds[cursor] >> 3)
                return objectType == 0 ? nil : objectType
            }
            index += 1
        }
        return nil
    }

    private static func be32(_ data: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3])
    }
}
