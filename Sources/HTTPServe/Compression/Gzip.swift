/// A small gzip (RFC 1952) encoder for playlists: one DEFLATE block (RFC 1951) with the fixed
/// Huffman codes and LZ77 matches found through a hash chain.
///
/// Playlists repeat the same lines (`#EXTINF:2.000000,` / `seg123.m4s`) and shrink about
/// five to ten times with this; a dynamic-Huffman coder would gain a little more for much more
/// code. The result is cached per playlist version, so each version is compressed once.
enum Gzip {
    /// Largest input compressed; bigger files are sent as they are (playlists are far smaller).
    static let maxInputSize = 16 << 20
    /// Hash-chain steps per position: enough for repetitive text, bounded for hostile input.
    static let maxChainLength = 48

    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE = 01, fixed Huffman codes
        Deflate.encode(input, into: &bits)
        writeFixedLiteral(256, into: &bits)  // end of block
        bits.flush()
        output += bits.bytes
        let crc = CRC32.checksum(input)
        let size = UInt32(truncatingIfNeeded: input.count)
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return output
    }

    /// RFC 1951 §3.2.6: literal/length symbols 0–287 with fixed code lengths 8, 9, 7, 8.
    static func writeFixedLiteral(_ symbol: Int, into bits: inout BitWriter) {
        switch symbol {
        case 0...143: bits.writeHuffman(0x30 + symbol, count: 8)
        case 144...255: bits.writeHuffman(0x190 + symbol - 144, count: 9)
        case 256...279: bits.writeHuffman(symbol - 256, count: 7)
        default: bits.writeHuffman(0xc0 + symbol - 280, count: 8)
        }
    }
}

/// LZ77 over the whole input with a 32 KiB window.
enum Deflate {
    static let window = 32_768
    static let minMatch = 3
    static let maxMatch = 258
    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let hashBits = 15

    static func encode(_ input: [UInt8], into bits: inout BitWriter) {
        let count = input.count
        var head = [Int](repeating: -1, count: 1 << hashBits)
        var previous = [Int](repeating: -1, count: count)
        func hash(_ at: Int) -> Int {
            let value = Int(input[at]) << 16 | Int(input[at + 1]) << 8 | Int(input[at + 2])
            return (value &* 2_654_435_761) >> (32 - hashBits) & ((1 << hashBits) - 1)
        }
        func insert(_ at: Int) {
            guard at + minMatch <= count else { return }
            let key = hash(at)
            previous[at] = head[key]
            head[key] = at
        }
        var position = 0
        while position < count {
            var bestLength = 0
            var bestDistance = 0
            if position + minMatch <= count {
                var candidate = head[hash(position)]
                var steps = 0
                let limit = min(maxMatch, count - position)
                while candidate >= 0, position - candidate <= window, steps < Gzip.maxChainLength {
                    var length = 0
                    while length < limit, input[candidate + length] == input[position + length] { length += 1 }
                    if length > bestLength {
                        bestLength = length
                        bestDistance = position - candidate
                        if length == limit { break }
                    }
                    candidate = previous[candidate]
                    steps += 1
                }
            }
            if bestLength >= minMatch {
                writeMatch(length: bestLength, distance: bestDistance, into: &bits)
                for offset in 0..<bestLength { insert(position + offset) }
                position += bestLength
            } else {
                Gzip.writeFixedLiteral(Int(input[position]), into: &bits)
                insert(position)
                position += 1
            }
        }
    }

    static func writeMatch(length: Int, distance: Int, into bits: inout BitWriter) {
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        Gzip.writeFixedLiteral(257 + code, into: &bits)
        bits.write(length - lengthBase[code], count: lengthExtra[code])
        var distanceCode = distanceBase.count - 1
        while distanceBase[distanceCode] > distance { distanceCode -= 1 }
        bits.writeHuffman(distanceCode, count: 5)
        bits.write(distance - distanceBase[distanceCode], count: distanceExtra[distanceCode])
    }
}

/// DEFLATE's bit order: values least-significant bit first, Huffman codes most-significant first.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var used = 0

    mutating func write(_ value: Int, count: Int) {
        guard count > 0 else { return }
        buffer |= UInt64(value & ((1 << count) - 1)) << UInt64(used)
        used += count
        while used >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            used -= 8
        }
    }

    mutating func writeHuffman(_ code: Int, count: Int) {
        var reversed = 0
        for bit in 0..<count where code & (1 << bit) != 0 { reversed |= 1 << (count - 1 - bit) }
        write(reversed, count: count)
    }

    mutating func flush() {
        if used > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        used = 0
    }
}

/// CRC-32 (ISO 3309, the gzip trailer), table driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
