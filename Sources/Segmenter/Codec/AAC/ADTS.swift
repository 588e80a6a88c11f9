/// The header of one ADTS frame (ISO/IEC 14496-3 §1.A.2.2), the framing of raw `.aac` files
/// and of AAC in MPEG-TS.
///
/// ```
/// adts_fixed_header() {
///   syncword                            12  0xFFF
///   ID                                   1  (0 MPEG-4, 1 MPEG-2)
///   layer                                2  '00'
///   protection_absent                    1
///   profile_ObjectType                   2  (audio object type − 1)
///   sampling_frequency_index             4
///   private_bit                          1
///   channel_configuration                3
///   original_copy                        1
///   home                                 1
/// }
/// adts_variable_header() {
///   copyright_identification_bit         1
///   copyright_identification_start       1
///   aac_frame_length                    13  (header included)
///   adts_buffer_fullness                11
///   number_of_raw_data_blocks_in_frame   2  (blocks − 1)
/// }
/// adts_error_check / adts_header_error_check (protection_absent == 0):
///   raw_data_block_position[i]          16  × number_of_raw_data_blocks_in_frame (only when > 0)
///   crc_check                           16
/// ```
public struct ADTSHeader: Sendable, Equatable, Hashable {
    /// Audio object type: the 2-bit profile plus one (2 = AAC-LC).
    public var objectType: UInt8
    public var samplingFrequencyIndex: UInt8
    public var channelConfiguration: UInt8
    /// Bytes of the whole frame, header included.
    public var frameLength: Int
    /// 7 without CRC; 9 with CRC (plus 2 per extra raw data block in multi-block frames).
    public var headerLength: Int
    /// Raw data blocks in the frame (1…4; each holds 1024 samples). Note: the field in the
    /// header, `number_of_raw_data_blocks_in_frame`, is this minus one.
    public var numberOfRawDataBlocks: Int
    public var protectionAbsent: Bool

    /// Fewest bytes `parse` needs to see (a header without CRC).
    public static let minimumHeaderLength = 7

    public init(
        objectType: UInt8, samplingFrequencyIndex: UInt8, channelConfiguration: UInt8, frameLength: Int,
        headerLength: Int = 7, numberOfRawDataBlocks: Int = 1, protectionAbsent: Bool = true
    ) {
        self.objectType = objectType
        self.samplingFrequencyIndex = samplingFrequencyIndex
        self.channelConfiguration = channelConfiguration
        self.frameLength = frameLength
        self.headerLength = headerLength
        self.numberOfRawDataBlocks = numberOfRawDataBlocks
        self.protectionAbsent = protectionAbsent
    }

    /// Parses the header at the start of `bytes` (the frame body need not be there).
    /// `.truncated` when the header itself is cut; `.invalidValue` for a bad syncword or layer,
    /// a reserved frequency index (13–15) or a frame shorter than its header; `.unsupported`
    /// for channel configuration 0 (needs a program config element).
    public static func parse(_ bytes: some Collection<UInt8>) throws -> ADTSHeader {
        var header = [UInt8]()
        header.reserveCapacity(minimumHeaderLength)
        for byte in bytes.prefix(minimumHeaderLength) { header.append(byte) }
        guard header.count == minimumHeaderLength else {
            throw SegmenterError(.truncated, "ADTS header needs 7 bytes, got \(header.count)")
        }
        guard header[0] == 0xff, header[1] & 0xf0 == 0xf0 else {
            throw SegmenterError(.invalidValue, "no ADTS syncword (0xFFF)")
        }
        guard header[1] & 0x06 == 0 else { throw SegmenterError(.invalidValue, "ADTS layer \((header[1] >> 1) & 3); must be 0") }
        let protectionAbsent = header[1] & 0x01 == 1
        let objectType = (header[2] >> 6) + 1
        let frequencyIndex = (header[2] >> 2) & 0x0f
        guard frequencyIndex < 13 else {
            throw SegmenterError(.invalidValue, "ADTS sampling frequency index \(frequencyIndex) is reserved")
        }
        let channels = (header[2] & 0x01) << 2 | header[3] >> 6
        guard channels != 0 else {
            throw SegmenterError(.unsupported, "ADTS channel configuration 0 (layout in a program config element)")
        }
        let frameLength = Int(header[3] & 0x03) << 11 | Int(header[4]) << 3 | Int(header[5] >> 5)
        let blocks = Int(header[6] & 0x03) + 1
        let headerLength = protectionAbsent ? 7 : 7 + 2 * (blocks - 1) + 2
        guard bytes.count >= headerLength else {
            throw SegmenterError(.truncated, "ADTS header with CRC needs \(headerLength) bytes, got \(bytes.count)")
        }
        guard frameLength >= headerLength else {
            throw SegmenterError(.invalidValue, "ADTS frame length \(frameLength) is shorter than its \(headerLength)-byte header")
        }
        return ADTSHeader(
            objectType: objectType, samplingFrequencyIndex: frequencyIndex, channelConfiguration: channels,
            frameLength: frameLength, headerLength: headerLength, numberOfRawDataBlocks: blocks,
            protectionAbsent: protectionAbsent)
    }

    /// Samples per second from the frequency index.
    public var sampleRate: Int { AudioSpecificConfig.samplingFrequencies[Int(samplingFrequencyIndex)] }

    /// The two-byte AudioSpecificConfig equivalent to this header (ADTS carries no other config).
    /// `parse` only returns headers for which this holds; a header built by hand with values
    /// outside the ADTS fields traps.
    public var audioSpecificConfig: AudioSpecificConfig {
        do {
            return try AudioSpecificConfig(
                objectType: objectType, samplingFrequencyIndex: samplingFrequencyIndex,
                channelConfiguration: channelConfiguration)
        } catch {
            preconditionFailure("ADTS header fields out of range: \(error)")
        }
    }
}

public enum ADTS {
    /// Splits a buffer of concatenated ADTS frames. After garbage it resynchronises on the next
    /// syncword whose header parses and is followed by another header (or by fewer than seven
    /// bytes, too few to tell).
    /// Skipped bytes (garbage, and an incomplete last frame) are counted in `skippedBytes`.
    public static func frames(in bytes: [UInt8]) -> (frames: [(header: ADTSHeader, payload: ArraySlice<UInt8>)], skippedBytes: Int) {
        var frames: [(header: ADTSHeader, payload: ArraySlice<UInt8>)] = []
        var skipped = 0
        var offset = 0
        // In sync at the start and right after a frame; after skipping garbage a candidate has
        // to be confirmed by the next header, as 0xFFF also occurs inside AAC data.
        var inSync = true
        while offset < bytes.count {
            if let header = candidate(in: bytes, at: offset), inSync || confirmed(header, in: bytes, at: offset) {
                let end = offset + header.frameLength
                frames.append((header, bytes[(offset + header.headerLength)..<end]))
                offset = end
                inSync = true
            } else {
                skipped += 1
                offset += 1
                inSync = false
            }
        }
        return (frames, skipped)
    }

    /// A header at `offset` whose whole frame is in the buffer.
    private static func candidate(in bytes: [UInt8], at offset: Int) -> ADTSHeader? {
        guard bytes[offset] == 0xff, offset + 1 < bytes.count, bytes[offset + 1] & 0xf6 == 0xf0,
            let header = try? ADTSHeader.parse(bytes[offset...]),
            header.frameLength <= bytes.count - offset
        else { return nil }
        return header
    }

    private static func confirmed(_ header: ADTSHeader, in bytes: [UInt8], at offset: Int) -> Bool {
        let next = offset + header.frameLength
        guard next < bytes.count else { return true }
        // Too little left to tell: give the candidate the benefit of the doubt.
        guard bytes.count - next >= ADTSHeader.minimumHeaderLength else { return true }
        return (try? ADTSHeader.parse(bytes[next...])) != nil
    }
}
