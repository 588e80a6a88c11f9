import Segmenter

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

    static func convert(_ bytes: UnsafeRawBufferPointer, collectParameterSets: Bool = false) -> Output {
        let (ranges, leading) = AnnexB.nalUnitRanges(in: bytes)
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
        let data = LengthPrefixed.join(kept, of: bytes)
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
        return LengthPrefixed.join(ranges, of: bytes)
    }
}
