/// NAL units each preceded by a big-endian length of 1, 2 or 4 bytes (ISO/IEC 14496-15 §5.3.2):
/// the layout of MP4/FLV samples, with the length size announced by the avcC/hvcC record.
///
/// ```
/// for (i=0; i<sample_size; ) {
///   unsigned int((lengthSizeMinusOne+1)*8) NALUnitLength;
///   bit(NALUnitLength*8) NALUnit;
///   i += (lengthSizeMinusOne+1) + NALUnitLength;
/// }
/// ```
public enum LengthPrefixed {
    /// Splits `data` into NAL units, checking every length against the bytes that remain.
    /// Zero-length units are skipped. Throws `.truncated` when a length (or a length prefix)
    /// runs past the end, `.limitExceeded` over `CodecLimits.maxNALUnitSize`, and `.invalidValue`
    /// for a length size other than 1, 2 or 4.
    public static func nalUnits(in data: [UInt8], lengthSize: Int = 4) throws -> [ArraySlice<UInt8>] {
        guard lengthSize == 1 || lengthSize == 2 || lengthSize == 4 else {
            throw SegmenterError(.invalidValue, "NAL length size \(lengthSize); only 1, 2 and 4 are allowed")
        }
        var units: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < data.count {
            guard data.count - offset >= lengthSize else {
                throw SegmenterError(.truncated, "\(data.count - offset) bytes left where a \(lengthSize)-byte NAL length was expected")
            }
            var length = 0
            for index in offset..<(offset + lengthSize) { length = length << 8 | Int(data[index]) }
            offset += lengthSize
            guard length <= CodecLimits.maxNALUnitSize else {
                throw SegmenterError(.limitExceeded, "NAL unit of \(length) bytes exceeds the limit of \(CodecLimits.maxNALUnitSize)")
            }
            guard length <= data.count - offset else {
                throw SegmenterError(.truncated, "NAL unit announces \(length) bytes but only \(data.count - offset) remain")
            }
            if length > 0 { units.append(data[offset..<(offset + length)]) }
            offset += length
        }
        return units
    }

    /// Rewrites NAL units with `lengthSize`-byte prefixes as 4-byte prefixes (what `MediaPacket`
    /// carries). Validates like `nalUnits(in:lengthSize:)`; zero-length units are dropped.
    public static func convertToFourByteLengths(_ data: [UInt8], from lengthSize: Int) throws -> [UInt8] {
        let units = try nalUnits(in: data, lengthSize: lengthSize)
        var writer = ByteWriter(capacity: data.count + (4 - min(lengthSize, 4)) * units.count)
        for unit in units {
            writer.write(lengthPrefix(unit.count))
            writer.write(unit)
        }
        return writer.bytes
    }

    /// The NAL units at `ranges` of `bytes`, each behind a 4-byte big-endian length: one
    /// allocation, one copy per unit, straight from a demuxer's buffer.
    public static func join(_ ranges: [Range<Int>], of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let total = ranges.reduce(0) { $0 + 4 + $1.count }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            for range in ranges {
                let length = lengthPrefix(range.count)
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
