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
        try data.withUnsafeBytes { try nalUnitRanges(in: $0, lengthSize: lengthSize) }.map { data[$0] }
    }

    /// Rewrites NAL units with `lengthSize`-byte prefixes as 4-byte prefixes (what `MediaPacket`
    /// carries). Validates like `nalUnits(in:lengthSize:)`; zero-length units are dropped.
    public static func convertToFourByteLengths(_ data: [UInt8], from lengthSize: Int) throws -> [UInt8] {
        try data.withUnsafeBytes { try convertToFourByteLengths($0, from: lengthSize) }
    }

    /// `convertToFourByteLengths(_:from:)` straight from a demuxer's buffer: the units are
    /// copied once, into an output allocated at its exact size.
    public static func convertToFourByteLengths(_ data: UnsafeRawBufferPointer, from lengthSize: Int) throws -> [UInt8] {
        join(try nalUnitRanges(in: data, lengthSize: lengthSize), of: data)
    }

    /// Where each non-empty NAL unit lies in `data` (prefixes excluded); throws like
    /// `nalUnits(in:lengthSize:)`.
    static func nalUnitRanges(in data: UnsafeRawBufferPointer, lengthSize: Int) throws -> [Range<Int>] {
        guard lengthSize == 1 || lengthSize == 2 || lengthSize == 4 else {
            throw SegmenterError(.invalidValue, "NAL length size \(lengthSize); only 1, 2 and 4 are allowed")
        }
        var ranges: [Range<Int>] = []
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
            if length > 0 { ranges.append(offset..<(offset + length)) }
            offset += length
        }
        return ranges
    }

    /// The NAL units at `ranges` of `bytes`, each behind a 4-byte big-endian length: one
    /// allocation of the exact size, one copy per unit. Every conversion to the `MediaPacket`
    /// layout ends here.
    static func join(_ ranges: [Range<Int>], of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var total = 0
        for range in ranges { total += 4 + range.count }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard let output = UnsafeMutableRawPointer(buffer.baseAddress), let input = bytes.baseAddress else { return }
            var offset = 0
            for range in ranges {
                output.storeBytes(of: lengthPrefix(range.count).bigEndian, toByteOffset: offset, as: UInt32.self)
                offset += 4
                (output + offset).copyMemory(from: input + range.lowerBound, byteCount: range.count)
                offset += range.count
            }
            initialized = total
        }
    }
}
