/// The H.264 decoder configuration carried in an `avcC` box (ISO/IEC 14496-15 §5.3.3.1).
///
/// ```
/// aligned(8) class AVCDecoderConfigurationRecord {
///   unsigned int(8) configurationVersion = 1;
///   unsigned int(8) AVCProfileIndication;
///   unsigned int(8) profile_compatibility;
///   unsigned int(8) AVCLevelIndication;
///   bit(6) reserved = '111111'b;
///   unsigned int(2) lengthSizeMinusOne;
///   bit(3) reserved = '111'b;
///   unsigned int(5) numOfSequenceParameterSets;
///   for (i=0; i< numOfSequenceParameterSets; i++) {
///     unsigned int(16) sequenceParameterSetLength ;
///     bit(8*sequenceParameterSetLength) sequenceParameterSetNALUnit;
///   }
///   unsigned int(8) numOfPictureParameterSets;
///   for (i=0; i< numOfPictureParameterSets; i++) {
///     unsigned int(16) pictureParameterSetLength;
///     bit(8*pictureParameterSetLength) pictureParameterSetNALUnit;
///   }
///   if( AVCProfileIndication == 100 || == 110 || == 122 || == 144 ) {
///     bit(6) reserved = '111111'b;  unsigned int(2) chroma_format;
///     bit(5) reserved = '11111'b;   unsigned int(3) bit_depth_luma_minus8;
///     bit(5) reserved = '11111'b;   unsigned int(3) bit_depth_chroma_minus8;
///     unsigned int(8) numOfSequenceParameterSetExt;
///     for (i=0; i< numOfSequenceParameterSetExt; i++) {
///       unsigned int(16) sequenceParameterSetExtLength;
///       bit(8*sequenceParameterSetExtLength) sequenceParameterSetExtNALUnit;
///     }
///   }
/// }
/// ```
public struct AVCDecoderConfigurationRecord: Sendable, Equatable {
    public var profileIndication: UInt8
    public var profileCompatibility: UInt8
    public var levelIndication: UInt8
    /// Bytes in each NAL unit length prefix of the samples (1, 2 or 4). We always write 4.
    public var nalLengthSize: Int
    /// SPS NAL units, each including its one-byte NAL header, without start code or length.
    public var sequenceParameterSets: [[UInt8]]
    /// PPS NAL units, likewise.
    public var pictureParameterSets: [[UInt8]]
    /// The high-profile extension; `nil` for profiles that do not carry it.
    public var highProfileExtension: HighProfileExtension?

    public struct HighProfileExtension: Sendable, Equatable {
        public var chromaFormat: UInt8
        public var bitDepthLumaMinus8: UInt8
        public var bitDepthChromaMinus8: UInt8
        public var sequenceParameterSetExtensions: [[UInt8]]

        public init(
            chromaFormat: UInt8, bitDepthLumaMinus8: UInt8, bitDepthChromaMinus8: UInt8, sequenceParameterSetExtensions: [[UInt8]] = []
        ) {
            self.chromaFormat = chromaFormat
            self.bitDepthLumaMinus8 = bitDepthLumaMinus8
            self.bitDepthChromaMinus8 = bitDepthChromaMinus8
            self.sequenceParameterSetExtensions = sequenceParameterSetExtensions
        }
    }

    public init(
        profileIndication: UInt8, profileCompatibility: UInt8, levelIndication: UInt8, nalLengthSize: Int = 4,
        sequenceParameterSets: [[UInt8]], pictureParameterSets: [[UInt8]], highProfileExtension: HighProfileExtension? = nil
    ) {
        self.profileIndication = profileIndication
        self.profileCompatibility = profileCompatibility
        self.levelIndication = levelIndication
        self.nalLengthSize = nalLengthSize
        self.sequenceParameterSets = sequenceParameterSets
        self.pictureParameterSets = pictureParameterSets
        self.highProfileExtension = highProfileExtension
    }

    /// RFC 6381 `avc1.PPCCLL`: profile, compatibility flags and level as two hex digits each.
    public var codecsString: String {
        "avc1." + [profileIndication, profileCompatibility, levelIndication].map(hexByte).joined()
    }
}

/// Two lower-case hex digits, e.g. `0x1f` → `1f`.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}

// MARK: - Building, parsing and serialising

extension AVCDecoderConfigurationRecord {
    /// Profiles whose record carries the high-profile extension (chroma format, bit depths).
    static let profilesWithExtension: Set<UInt8> = [100, 110, 122, 144]

    /// Builds the record from in-band parameter sets (NAL units with their header byte, no start
    /// code). Profile, compatibility and level are SPS bytes 1…3 (as parsed); the high-profile extension is
    /// filled from the parsed SPS. The NAL length size is 4.
    public init(sps: [UInt8], pps: [[UInt8]]) throws {
        let parsed = try H264SPS.parse(sps)
        guard !pps.isEmpty else { throw SegmenterError(.invalidValue, "an avcC record needs at least one PPS") }
        guard pps.count <= CodecLimits.maxPictureParameterSets else {
            throw SegmenterError(.limitExceeded, "\(pps.count) PPSs; an avcC record holds at most \(CodecLimits.maxPictureParameterSets)")
        }
        for unit in pps { try Self.checkParameterSet(unit, type: .pps) }
        self.init(
            profileIndication: parsed.profileIdc, profileCompatibility: parsed.constraintFlags,
            levelIndication: parsed.levelIdc, nalLengthSize: 4, sequenceParameterSets: [sps], pictureParameterSets: pps,
            highProfileExtension: Self.profilesWithExtension.contains(parsed.profileIdc)
                ? HighProfileExtension(
                    chromaFormat: parsed.chromaFormatIdc, bitDepthLumaMinus8: parsed.bitDepthLumaMinus8,
                    bitDepthChromaMinus8: parsed.bitDepthChromaMinus8)
                : nil)
    }

    /// Parses an avcC payload (the box body, or FLV/Matroska extradata). The high-profile
    /// extension may be missing even for high profiles (FFmpeg and others omit it), and bytes
    /// after a complete record are ignored, as some muxers pad it. The parameter sets are checked
    /// for NAL type and size but not parsed; `parsedSPS()` does that.
    public init(parsing bytes: some Collection<UInt8>) throws {
        var reader = ByteReader(Array(bytes))
        let version = try reader.readUInt8().orTruncated("avcC record is empty")
        guard version == 1 else { throw SegmenterError(.unsupported, "avcC configurationVersion \(version); only 1 is defined") }
        let profile = try reader.readUInt8().orTruncated("avcC record ends in its profile")
        let compatibility = try reader.readUInt8().orTruncated("avcC record ends in its profile compatibility")
        let level = try reader.readUInt8().orTruncated("avcC record ends in its level")
        let lengthSizeMinusOne = try reader.readUInt8().orTruncated("avcC record ends before lengthSizeMinusOne") & 0x03
        guard lengthSizeMinusOne != 2 else { throw SegmenterError(.invalidValue, "avcC NAL length size 3; only 1, 2 and 4 are allowed") }
        let spsCount = Int(try reader.readUInt8().orTruncated("avcC record ends before numOfSequenceParameterSets") & 0x1f)
        guard spsCount > 0 else { throw SegmenterError(.invalidValue, "avcC record has no SPS") }
        let sps = try Self.readParameterSets(&reader, count: spsCount, type: .sps)
        let ppsCount = Int(try reader.readUInt8().orTruncated("avcC record ends before numOfPictureParameterSets"))
        guard ppsCount > 0 else { throw SegmenterError(.invalidValue, "avcC record has no PPS") }
        let pps = try Self.readParameterSets(&reader, count: ppsCount, type: .pps)

        var highProfileExtension: HighProfileExtension?
        if Self.profilesWithExtension.contains(profile) && !reader.isAtEnd {
            let chroma = try reader.readUInt8().orTruncated("avcC record ends in its chroma_format") & 0x03
            let luma = try reader.readUInt8().orTruncated("avcC record ends in its bit_depth_luma_minus8") & 0x07
            let chromaDepth = try reader.readUInt8().orTruncated("avcC record ends in its bit_depth_chroma_minus8") & 0x07
            let extCount = Int(try reader.readUInt8().orTruncated("avcC record ends before numOfSequenceParameterSetExt"))
            let extensions = try Self.readParameterSets(&reader, count: extCount, type: .spsExtension)
            highProfileExtension = HighProfileExtension(
                chromaFormat: chroma, bitDepthLumaMinus8: luma, bitDepthChromaMinus8: chromaDepth,
                sequenceParameterSetExtensions: extensions)
        }
        self.init(
            profileIndication: profile, profileCompatibility: compatibility, levelIndication: level,
            nalLengthSize: Int(lengthSizeMinusOne) + 1, sequenceParameterSets: sps, pictureParameterSets: pps,
            highProfileExtension: highProfileExtension)
    }

    /// The avcC payload (no box header), exactly as ISO/IEC 14496-15 lays it out. Reserved bits
    /// are written as ones. Precondition: counts and sizes within the record's fields (the two
    /// throwing initialisers guarantee it).
    public func serialized() -> [UInt8] {
        precondition([1, 2, 4].contains(nalLengthSize), "avcC NAL length size must be 1, 2 or 4")
        precondition((1...CodecLimits.maxSequenceParameterSets).contains(sequenceParameterSets.count), "avcC needs 1…31 SPSs")
        precondition(pictureParameterSets.count <= CodecLimits.maxPictureParameterSets, "avcC holds at most 255 PPSs")
        var writer = ByteWriter(capacity: 64)
        writer.write(UInt8(1))
        writer.write(profileIndication)
        writer.write(profileCompatibility)
        writer.write(levelIndication)
        writer.write(0xfc | UInt8(nalLengthSize - 1))
        writer.write(0xe0 | UInt8(sequenceParameterSets.count))
        for sps in sequenceParameterSets { Self.writeParameterSet(sps, to: &writer) }
        writer.write(UInt8(pictureParameterSets.count))
        for pps in pictureParameterSets { Self.writeParameterSet(pps, to: &writer) }
        if let ext = highProfileExtension {
            precondition(ext.sequenceParameterSetExtensions.count <= 255, "avcC holds at most 255 SPS extensions")
            writer.write(0xfc | (ext.chromaFormat & 0x03))
            writer.write(0xf8 | (ext.bitDepthLumaMinus8 & 0x07))
            writer.write(0xf8 | (ext.bitDepthChromaMinus8 & 0x07))
            writer.write(UInt8(ext.sequenceParameterSetExtensions.count))
            for unit in ext.sequenceParameterSetExtensions { Self.writeParameterSet(unit, to: &writer) }
        }
        return writer.bytes
    }

    /// The first SPS, parsed (picture size, chroma format, …).
    public func parsedSPS() throws -> H264SPS {
        guard let sps = sequenceParameterSets.first else { throw SegmenterError(.invalidValue, "avcC record has no SPS") }
        return try H264SPS.parse(sps)
    }

    private static func readParameterSets(_ reader: inout ByteReader<[UInt8]>, count: Int, type: H264NALUnitType) throws -> [[UInt8]] {
        var units: [[UInt8]] = []
        for index in 0..<count {
            let length = Int(try reader.readUInt16().orTruncated("avcC record ends before the length of \(type) \(index)"))
            let unit = try reader.readBytes(length).orTruncated(
                "avcC \(type) \(index) announces \(length) bytes, \(reader.remaining) remain")
            try checkParameterSet(unit, type: type)
            units.append(Array(unit))
        }
        return units
    }

    private static func checkParameterSet(_ unit: some Collection<UInt8>, type: H264NALUnitType) throws {
        guard let header = unit.first else { throw SegmenterError(.invalidValue, "empty \(type) NAL unit") }
        guard H264NALUnitType(headerByte: header) == type else {
            throw SegmenterError(.invalidValue, "NAL unit type \(header & 0x1f) where \(type) (\(type.rawValue)) was expected")
        }
        guard unit.count <= CodecLimits.maxParameterSetSize else {
            throw SegmenterError(.limitExceeded, "\(type) of \(unit.count) bytes exceeds the limit of \(CodecLimits.maxParameterSetSize)")
        }
    }

    private static func writeParameterSet(_ unit: [UInt8], to writer: inout ByteWriter) {
        guard let length = UInt16(exactly: unit.count) else { preconditionFailure("parameter set of \(unit.count) bytes exceeds 65535") }
        writer.write(length)
        writer.write(unit)
    }
}
