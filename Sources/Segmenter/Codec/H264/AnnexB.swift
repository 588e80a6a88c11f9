/// The H.264/HEVC byte-stream format (ITU-T H.264 Annex B): NAL units separated by start
/// codes `00 00 01` (or `00 00 00 01`), as found in raw `.h264` files, MPEG-TS and RTSP.
///
/// ```
/// byte_stream_nal_unit( NumBytesInNalUnit ) {
///   while( next_bits( 24 ) != 0x000001 && next_bits( 32 ) != 0x00000001 )
///     leading_zero_8bits                /* equal to 0x00 */
///   if( next_bits( 24 ) != 0x000001 )
///     zero_byte                         /* equal to 0x00 */
///   start_code_prefix_one_3bytes        /* equal to 0x000001 */
///   nal_unit( NumBytesInNalUnit )
///   while( more_data_in_byte_stream( ) && next_bits( 24 ) != 0x000001 && next_bits( 32 ) != 0x00000001 )
///     trailing_zero_8bits               /* equal to 0x00 */
/// }
/// ```
public enum AnnexB {
    /// Splits a byte stream into NAL units (without start codes).
    ///
    /// Zero bytes before a start code (the fourth byte of `00 00 00 01`, `trailing_zero_8bits`)
    /// are not part of the NAL unit before it and are dropped. Any other bytes before the first
    /// start code are garbage (a stream joined mid-unit) and are counted in `skippedLeadingBytes`.
    /// Empty units (two start codes in a row) are dropped.
    public static func nalUnits(in bytes: [UInt8]) -> (units: [ArraySlice<UInt8>], skippedLeadingBytes: Int) {
        let (ranges, skipped) = bytes.withUnsafeBytes { nalUnitRanges(in: $0) }
        return (ranges.map { bytes[$0] }, skipped)
    }

    /// Where each NAL unit lies in `bytes` (start codes and trailing zero bytes excluded, empty
    /// units dropped), and how many bytes before the first start code are garbage. Works on a
    /// raw buffer so a demuxer's packet can be converted without copying it first.
    public static func nalUnitRanges(in bytes: UnsafeRawBufferPointer) -> (ranges: [Range<Int>], skippedLeadingBytes: Int) {
        let starts = startCodeOffsets(in: bytes)
        guard let first = starts.first else { return ([], leadingGarbage(bytes, before: bytes.count)) }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(starts.count)
        for (index, start) in starts.enumerated() {
            var end = index + 1 < starts.count ? starts[index + 1] : bytes.count
            while end > start + 3 && bytes[end - 1] == 0 { end -= 1 }
            if end > start + 3 { ranges.append((start + 3)..<end) }
        }
        return (ranges, leadingGarbage(bytes, before: first))
    }

    /// Converts an Annex-B buffer to NAL units with 4-byte big-endian length prefixes (the
    /// avcC / ISO 14496-15 sample layout). Leading garbage is dropped.
    public static func toLengthPrefixed(_ annexB: [UInt8]) -> [UInt8] {
        let units = nalUnits(in: annexB).units
        var writer = ByteWriter(capacity: annexB.count + 4 * units.count)
        for unit in units {
            writer.write(lengthPrefix(unit.count))
            writer.write(unit)
        }
        return writer.bytes
    }

    /// Removes emulation-prevention bytes (§7.4.1): every `03` that follows two zero bytes
    /// inside a NAL unit, turning the NAL unit into its RBSP.
    public static func removeEmulationPrevention(_ nal: some Collection<UInt8>) -> [UInt8] {
        var rbsp: [UInt8] = []
        rbsp.reserveCapacity(nal.count)
        var zeros = 0
        for byte in nal {
            if zeros >= 2 && byte == 3 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            rbsp.append(byte)
        }
        return rbsp
    }

    /// Offsets of every `00 00 01` in `bytes`.
    static func startCodeOffsets(in bytes: UnsafeRawBufferPointer) -> [Int] {
        var offsets: [Int] = []
        let count = bytes.count
        var index = 0
        while index + 2 < count {
            let third = bytes[index + 2]
            if third > 1 {
                // No start code can begin at index, index+1 or index+2.
                index += 3
            } else if third == 1 && bytes[index + 1] == 0 && bytes[index] == 0 {
                offsets.append(index)
                index += 3
            } else {
                index += 1
            }
        }
        return offsets
    }

    /// Bytes before `end` (the first start code) that are not zero padding.
    private static func leadingGarbage(_ bytes: UnsafeRawBufferPointer, before end: Int) -> Int {
        var count = end
        while count > 0 && bytes[count - 1] == 0 { count -= 1 }
        return count
    }
}

/// A 4-byte NAL length. NAL units held in memory are far below 4 GiB (`CodecLimits.maxNALUnitSize`
/// is enforced where the data enters); a larger one is a programming error.
func lengthPrefix(_ count: Int) -> UInt32 {
    guard let length = UInt32(exactly: count) else { preconditionFailure("NAL unit of \(count) bytes exceeds 4 GiB") }
    return length
}
