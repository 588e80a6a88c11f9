import Foundation

/// The tags of an FLV file (FLV spec v10.1 annex E): type 8 audio, 9 video, 18 script data.
struct FLVTag: Sendable {
    var type: UInt8
    var timestamp: UInt32
    var body: [UInt8]
}

enum FLVFile {
    static func tags(path: String) throws -> [FLVTag] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 13, bytes[0] == 0x46, bytes[1] == 0x4C, bytes[2] == 0x56 else {
            throw LoadError("\(path) is not an FLV file")
        }
        var position = Int(UInt32(bytes[5]) << 24 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 8 | UInt32(bytes[8])) + 4
        var tags: [FLVTag] = []
        while position + 11 <= bytes.count {
            let size = Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let timestamp = UInt32(bytes[position + 4]) << 16 | UInt32(bytes[position + 5]) << 8 | UInt32(bytes[position + 6]) | UInt32(bytes[position + 7]) << 24
            guard position + 11 + size <= bytes.count else { break }
            tags.append(FLVTag(type: bytes[position] & 0x1F, timestamp: timestamp, body: Array(bytes[(position + 11)..<(position + 11 + size)])))
            position += 11 + size + 4
        }
        return tags
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
