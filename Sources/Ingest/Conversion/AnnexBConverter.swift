/// Converts one Annex-B access unit (NAL units behind `00 00 01` / `00 00 00 01` start codes)
/// into the 4-byte length-prefixed layout of `MediaPacket`, reading straight from the demuxer's
/// buffer so the payload is copied exactly once.
///
/// Every NAL unit is kept, in-band SPS / PPS / SEI included. Dropped, and counted as garbage:
/// bytes before the first start code, and "NAL units" whose header has the forbidden zero bit
/// set (what random bytes containing `00 00 01` look like). Trailing zero bytes before a start
/// code (`trailing_zero_8bits`, the first byte of a 4-byte start code) are not part of a NAL unit.
struct AnnexBConverter {
    struct Output {
        var data: [UInt8]
        /// Bytes thrown away as garbage (see above).
        var skippedBytes: Int
        /// SPS and PPS NAL units, when `collectParameterSets` was asked for.
        var sequenceParameterSets: [[UInt8]] = []
        var pictureParameterSets: [[UInt8]] = []
    }

    /// Where each NAL unit lies in the input (half-open byte ranges, start codes excluded).
    static func nalRanges(in bytes: UnsafeRawBufferPointer) -> (ranges: [Range<Int>], leadingBytes: Int) {
        let count = bytes.count
        var startCodeEnds: [Int] = []  // index just after each `00 00 01`
        var startCodeBegins: [Int] = []  // index of the first `00` of each start code
        var index = 2
        while index < count {
            let byte = bytes[index]
            if byte > 1 {
                // No start code can end at index, index + 1 or index + 2.
                index += 3
            } else if byte == 1 {
                if bytes[index - 1] == 0 && bytes[index - 2] == 0 {
                    startCodeBegins.append(index - 2)
                    startCodeEnds.append(index + 1)
                }
                index += 3
            } else {
                index += 1
            }
        }
        guard let first = startCodeBegins.first else { return ([], count) }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(startCodeEnds.count)
        for (position, start) in startCodeEnds.enumerated() {
            var end = position + 1 < startCodeBegins.count ? startCodeBegins[position + 1] : count
            while end > start && bytes[end - 1] == 0 { end -= 1 }
            ranges.append(start..<end)
        }
        // A 4-byte start code's leading zero (and any zero_byte padding) is not garbage.
        var leading = first
        while leading > 0 && bytes[leading - 1] == 0 { leading -= 1 }
        return (ranges, leading)
    }

    static func convert(_ bytes: UnsafeRawBufferPointer, collectParameterSets: Bool = false) -> Output {
        let (ranges, leading) = nalRanges(in: bytes)
        var skipped = leading
        var kept: [Range<Int>] = []
        kept.reserveCapacity(ranges.count)
        for range in ranges {
            if range.isEmpty { continue }
            if bytes[range.lowerBound] & 0x80 != 0 {
                skipped += range.count + 3
                continue
            }
            kept.append(range)
        }
        let total = kept.reduce(0) { $0 + 4 + $1.count }
        let data = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            for range in kept {
                let length = UInt32(truncatingIfNeeded: range.count)
                buffer[offset] = UInt8(truncatingIfNeeded: length >> 24)
                buffer[offset + 1] = UInt8(truncatingIfNeeded: length >> 16)
                buffer[offset + 2] = UInt8(truncatingIfNeeded: length >> 8)
                buffer[offset + 3] = UInt8(truncatingIfNeeded: length)
                offset += 4
                UnsafeMutableRawPointer(buffer.baseAddress! + offset)
                    .copyMemory(from: bytes.baseAddress! + range.lowerBound, byteCount: range.count)
                offset += range.count
            }
            initialized = total
        }
        var output = Output(data: data, skippedBytes: skipped)
        if collectParameterSets {
            for range in kept {
                switch bytes[range.lowerBound] & 0x1f {
                case 7: output.sequenceParameterSets.append(Array(bytes[range]))
                case 8: output.pictureParameterSets.append(Array(bytes[range]))
                default: break
                }
            }
        }
        return output
    }
}

/// Rewrites length-prefixed NAL units with 1- or 2-byte lengths (allowed by avcC) into 4-byte
/// lengths, straight from the demuxer's buffer. `nil` when a length runs past the end.
enum LengthPrefixConverter {
    static func widen(_ bytes: UnsafeRawBufferPointer, from lengthSize: Int) -> [UInt8]? {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard index + lengthSize <= bytes.count else { return nil }
            var length = 0
            for byte in bytes[index..<(index + lengthSize)] { length = length << 8 | Int(byte) }
            index += lengthSize
            guard index + length <= bytes.count else { return nil }
            ranges.append(index..<(index + length))
            index += length
        }
        let total = ranges.reduce(0) { $0 + 4 + $1.count }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            for range in ranges {
                let length = UInt32(truncatingIfNeeded: range.count)
                buffer[offset] = UInt8(truncatingIfNeeded: length >> 24)
                buffer[offset + 1] = UInt8(truncatingIfNeeded: length >> 16)
                buffer[offset + 2] = UInt8(truncatingIfNeeded: length >> 8)
                buffer[offset + 3] = UInt8(truncatingIfNeeded: length)
                offset += 4
                UnsafeMutableRawPointer(buffer.baseAddress! + offset)
                    .copyMemory(from: bytes.baseAddress! + range.lowerBound, byteCount: range.count)
                offset += range.count
            }
            initialized = total
        }
    }
}
