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
    /// Converts Annex-B bytes to NAL units with 4-byte big-endian length prefixes (the avcC /
    /// ISO 14496-15 sample layout `MediaPacket` carries). This is the one conversion every
    /// Annex-B source uses (MPEG-TS and raw `.h264` through libavformat, WebSocket frames).
    ///
    /// - Splits on 3- and 4-byte start codes; zero bytes before a start code
    ///   (`trailing_zero_8bits`, the first byte of `00 00 00 01`) and at the end are not part of
    ///   the NAL unit before them.
    /// - Drops empty NAL units (two start codes in a row).
    /// - Drops, as garbage, the bytes before the first start code (zero padding excepted: a
    ///   stream joined mid-unit) and every NAL unit whose forbidden_zero_bit is set (what random
    ///   bytes holding `00 00 01` look like); `AnnexBConversion` counts both so the caller can
    ///   warn.
    ///
    /// Reads straight from `bytes` (a demuxer's packet needs no copy first) and allocates the
    /// output once at its exact size; besides it, only the list of kept units is allocated.
    public static func toLengthPrefixed(_ bytes: UnsafeRawBufferPointer) -> AnnexBConversion {
        var kept: [Range<Int>] = []
        kept.reserveCapacity(8)  // AUD, SPS, PPS, SEI and a few slices: one allocation per access unit
        var skippedBytes = 0
        var droppedNALUnits = 0

        // The unit that began at `start` (just past its start code) ends before `end`.
        func close(_ start: Int, _ end: Int) {
            var end = end
            while end > start && bytes[end &- 1] == 0 { end &-= 1 }
            guard end > start else { return }
            if bytes[start] & 0x80 != 0 {
                skippedBytes += end - start + 3
                droppedNALUnits += 1
                return
            }
            kept.append(start..<end)
        }

        var unitStart: Int? = nil
        let count = bytes.count
        var index = 0
        while index &+ 2 < count {
            let third = bytes[index &+ 2]
            if third > 1 {
                // No start code can begin at index, index+1 or index+2.
                index &+= 3
            } else if third == 1 && bytes[index &+ 1] == 0 && bytes[index] == 0 {
                if let start = unitStart {
                    close(start, index)
                } else {
                    skippedBytes += leadingGarbage(bytes, before: index)
                }
                index &+= 3
                unitStart = index
            } else {
                index &+= 1
            }
        }
        if let start = unitStart {
            close(start, count)
        } else {
            skippedBytes += leadingGarbage(bytes, before: count)
        }

        let data = LengthPrefixed.join(kept, of: bytes)
        return AnnexBConversion(lengthPrefixed: data, skippedBytes: skippedBytes, droppedNALUnits: droppedNALUnits)
    }

    /// `toLengthPrefixed(_:)` for bytes in an array.
    public static func toLengthPrefixed(_ bytes: [UInt8]) -> AnnexBConversion {
        bytes.withUnsafeBytes { toLengthPrefixed($0) }
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

    /// Bytes before `end` (the first start code, or the end) that are not zero padding.
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
