/// The HEVC decoder configuration carried in an `hvcC` box (ISO/IEC 14496-15 §8.3.3.1).
///
/// ```
/// aligned(8) class HEVCDecoderConfigurationRecord {
///   unsigned int(8) configurationVersion = 1;
///   unsigned int(2) general_profile_space;
///   unsigned int(1) general_tier_flag;
///   unsigned int(5) general_profile_idc;
///   unsigned int(32) general_profile_compatibility_flags;
///   unsigned int(48) general_constraint_indicator_flags;
///   unsigned int(8) general_level_idc;
///   bit(4) reserved = '1111'b;
///   unsigned int(12) min_spatial_segmentation_idc;
///   bit(6) reserved = '111111'b;
///   unsigned int(2) parallelismType;
///   bit(6) reserved = '111111'b;
///   unsigned int(2) chromaFormat;
///   bit(5) reserved = '11111'b;
///   unsigned int(3) bitDepthLumaMinus8;
///   bit(5) reserved = '11111'b;
///   unsigned int(3) bitDepthChromaMinus8;
///   bit(16) avgFrameRate;
///   bit(2) constantFrameRate;
///   bit(3) numTemporalLayers;
///   bit(1) temporalIdNested;
///   unsigned int(2) lengthSizeMinusOne;
///   unsigned int(8) numOfArrays;
///   for (j=0; j < numOfArrays; j++) {
///     bit(1) array_completeness;
///     unsigned int(1) reserved = 0;
///     unsigned int(6) NAL_unit_type;
///     unsigned int(16) numNalus;
///     for (i=0; i< numNalus; i++) {
///       unsigned int(16) nalUnitLength;
///       bit(8*nalUnitLength) nalUnit;
///     }
///   }
/// }
/// ```
public struct HEVCDecoderConfigurationRecord: Sendable, Equatable {
    public var profileTierLevel: HEVCProfileTierLevel
    public var minSpatialSegmentationIdc: UInt16
    public var parallelismType: UInt8
    public var chromaFormat: UInt8
    public var bitDepthLumaMinus8: UInt8
    public var bitDepthChromaMinus8: UInt8
    /// Frames per 256 seconds; 0 = unspecified.
    public var averageFrameRate: UInt16
    public var constantFrameRate: UInt8
    public var numTemporalLayers: UInt8
    public var temporalIDNested: Bool
    /// Bytes in each NAL unit length prefix of the samples (1, 2 or 4). We always write 4.
    public var nalLengthSize: Int
    /// The NAL unit arrays (VPS, SPS, PPS, and SEI when a muxer adds them), in order.
    public var arrays: [NALUnitArray]

    /// One array of the record: NAL units of one type, header bytes included.
    public struct NALUnitArray: Sendable, Equatable {
        /// Set when every NAL unit of this type is here and none comes in band (the rule for
        /// parameter sets under `hvc1`).
        public var complete: Bool
        public var type: UInt8
        public var units: [[UInt8]]

        public init(complete: Bool, type: UInt8, units: [[UInt8]]) {
            self.complete = complete
            self.type = type
            self.units = units
        }
    }

    public init(
        profileTierLevel: HEVCProfileTierLevel, minSpatialSegmentationIdc: UInt16 = 0, parallelismType: UInt8 = 0,
        chromaFormat: UInt8, bitDepthLumaMinus8: UInt8, bitDepthChromaMinus8: UInt8, averageFrameRate: UInt16 = 0,
        constantFrameRate: UInt8 = 0, numTemporalLayers: UInt8, temporalIDNested: Bool, nalLengthSize: Int = 4, arrays: [NALUnitArray]
    ) {
        self.profileTierLevel = profileTierLevel
        self.minSpatialSegmentationIdc = minSpatialSegmentationIdc
        self.parallelismType = parallelismType
        self.chromaFormat = chromaFormat
        self.bitDepthLumaMinus8 = bitDepthLumaMinus8
        self.bitDepthChromaMinus8 = bitDepthChromaMinus8
        self.averageFrameRate = averageFrameRate
        self.constantFrameRate = constantFrameRate
        self.numTemporalLayers = numTemporalLayers
        self.temporalIDNested = temporalIDNested
        self.nalLengthSize = nalLengthSize
        self.arrays = arrays
    }

    /// The units of every array of `type`, in order.
    public func units(of type: HEVCNALUnitType) -> [[UInt8]] {
        arrays.filter { $0.type == type.rawValue }.flatMap(\.units)
    }

    public var videoParameterSets: [[UInt8]] { units(of: .vps) }
    public var sequenceParameterSets: [[UInt8]] { units(of: .sps) }
    public var pictureParameterSets: [[UInt8]] { units(of: .pps) }

    /// The CODECS parameter for an `hvc1` sample entry (ISO/IEC 14496-15 Annex E.3), e.g.
    /// `hvc1.1.6.L93.B0`.
    public var codecsString: String { "hvc1." + profileTierLevel.codecsFields }

    /// The first SPS, parsed (picture size, chroma format, …).
    public func parsedSPS() throws -> HEVCSPS {
        guard let sps = sequenceParameterSets.first else { throw SegmenterError(.invalidValue, "hvcC record has no SPS") }
        return try HEVCSPS.parse(sps)
    }

    /// Whether the record holds a VPS, an SPS and a PPS: what a decoder needs before the first
    /// sample when none come in band.
    public var hasParameterSets: Bool {
        !videoParameterSets.isEmpty && !sequenceParameterSets.isEmpty && !pictureParameterSets.isEmpty
    }

    /// The same record with the parameter-set arrays marked complete and every other array
    /// incomplete: what an `hvc1` sample entry requires (§8.4.1), once the samples carry no
    /// parameter sets in band.
    public var markedCompleteForHVC1: HEVCDecoderConfigurationRecord {
        var copy = self
        for index in copy.arrays.indices {
            copy.arrays[index].complete = HEVCNALUnitType(rawValue: copy.arrays[index].type)?.isParameterSet ?? false
        }
        return copy
    }
}

// MARK: - Building, parsing and serialising

extension HEVCDecoderConfigurationRecord {
    /// Builds the record from in-band parameter sets (NAL units with their two header bytes, no
    /// start code): profile, tier, level, chroma format, bit depths and the temporal fields come
    /// from the first SPS. The arrays are VPS, SPS, PPS, each complete (as `hvc1` wants); the
    /// NAL length size is 4.
    public init(vps: [[UInt8]], sps: [[UInt8]], pps: [[UInt8]]) throws {
        guard let first = sps.first else { throw SegmenterError(.invalidValue, "an hvcC record needs an SPS") }
        guard !vps.isEmpty else { throw SegmenterError(.invalidValue, "an hvcC record needs a VPS") }
        guard !pps.isEmpty else { throw SegmenterError(.invalidValue, "an hvcC record needs a PPS") }
        let parsed = try HEVCSPS.parse(first)
        var arrays: [NALUnitArray] = []
        for (type, units) in [(HEVCNALUnitType.vps, vps), (.sps, sps), (.pps, pps)] {
            guard units.count <= HEVCLimits.maxNALUnitsPerArray else {
                throw SegmenterError(
                    .limitExceeded,
                    "\(units.count) HEVC NAL units of type \(type.rawValue); an hvcC array holds at most \(HEVCLimits.maxNALUnitsPerArray)")
            }
            for unit in units { try Self.checkUnit(unit, type: type.rawValue) }
            arrays.append(NALUnitArray(complete: true, type: type.rawValue, units: units))
        }
        self.init(
            profileTierLevel: parsed.profileTierLevel, chromaFormat: parsed.chromaFormatIdc,
            bitDepthLumaMinus8: parsed.bitDepthLumaMinus8, bitDepthChromaMinus8: parsed.bitDepthChromaMinus8,
            numTemporalLayers: UInt8(parsed.maxSubLayers), temporalIDNested: parsed.temporalIDNesting, arrays: arrays)
    }

    /// Parses an hvcC payload (the box body, or Matroska/MP4 extradata). Reserved bits are not
    /// checked (older muxers wrote zeros); bytes after a complete record are ignored, as some
    /// muxers pad it. Each NAL unit's header must name the array's type; parameter sets are
    /// checked for size but not parsed (`parsedSPS()` does that).
    public init(parsing bytes: some Collection<UInt8>) throws {
        var reader = ByteReader(Array(bytes))
        let version = try reader.readUInt8().orTruncated("hvcC record is empty")
        guard version == 1 else { throw SegmenterError(.unsupported, "hvcC configurationVersion \(version); only 1 is defined") }
        let first = try reader.readUInt8().orTruncated("hvcC record ends in its profile")
        let compatibility = try reader.readUInt32().orTruncated("hvcC record ends in its profile compatibility flags")
        let constraintHigh = try reader.readUInt32().orTruncated("hvcC record ends in its constraint indicator flags")
        let constraintLow = try reader.readUInt16().orTruncated("hvcC record ends in its constraint indicator flags")
        let level = try reader.readUInt8().orTruncated("hvcC record ends before general_level_idc")
        let segmentation = try reader.readUInt16().orTruncated("hvcC record ends in min_spatial_segmentation_idc") & 0x0fff
        let parallelism = try reader.readUInt8().orTruncated("hvcC record ends before parallelismType") & 0x03
        let chroma = try reader.readUInt8().orTruncated("hvcC record ends before chromaFormat") & 0x03
        let luma = try reader.readUInt8().orTruncated("hvcC record ends before bitDepthLumaMinus8") & 0x07
        let chromaDepth = try reader.readUInt8().orTruncated("hvcC record ends before bitDepthChromaMinus8") & 0x07
        let frameRate = try reader.readUInt16().orTruncated("hvcC record ends in avgFrameRate")
        let packed = try reader.readUInt8().orTruncated("hvcC record ends before lengthSizeMinusOne")
        let lengthSizeMinusOne = packed & 0x03
        guard lengthSizeMinusOne != 2 else { throw SegmenterError(.invalidValue, "hvcC NAL length size 3; only 1, 2 and 4 are allowed") }
        let arrayCount = Int(try reader.readUInt8().orTruncated("hvcC record ends before numOfArrays"))
        var arrays: [NALUnitArray] = []
        for arrayIndex in 0..<arrayCount {
            let typeByte = try reader.readUInt8().orTruncated("hvcC record ends before array \(arrayIndex)")
            let type = typeByte & 0x3f
            let count = Int(try reader.readUInt16().orTruncated("hvcC record ends before the size of array \(arrayIndex)"))
            guard count <= HEVCLimits.maxNALUnitsPerArray else {
                throw SegmenterError(
                    .limitExceeded,
                    "hvcC array of NAL type \(type) announces \(count) units; at most \(HEVCLimits.maxNALUnitsPerArray) are allowed")
            }
            var units: [[UInt8]] = []
            for unitIndex in 0..<count {
                let length = Int(
                    try reader.readUInt16().orTruncated("hvcC record ends before the length of NAL unit \(unitIndex) of type \(type)"))
                let unit = try reader.readBytes(length).orTruncated(
                    "hvcC NAL unit \(unitIndex) of type \(type) announces \(length) bytes, \(reader.remaining) remain")
                try Self.checkUnit(unit, type: type)
                units.append(Array(unit))
            }
            arrays.append(NALUnitArray(complete: typeByte & 0x80 != 0, type: type, units: units))
        }
        self.init(
            profileTierLevel: HEVCProfileTierLevel(
                profileSpace: first >> 6, tierFlag: first & 0x20 != 0, profileIdc: first & 0x1f, compatibilityFlags: compatibility,
                constraintIndicatorFlags: UInt64(constraintHigh) << 16 | UInt64(constraintLow), levelIdc: level),
            minSpatialSegmentationIdc: segmentation, parallelismType: parallelism, chromaFormat: chroma, bitDepthLumaMinus8: luma,
            bitDepthChromaMinus8: chromaDepth, averageFrameRate: frameRate, constantFrameRate: packed >> 6,
            numTemporalLayers: (packed >> 3) & 0x07, temporalIDNested: packed & 0x04 != 0, nalLengthSize: Int(lengthSizeMinusOne) + 1,
            arrays: arrays)
    }

    /// The hvcC payload (no box header), exactly as ISO/IEC 14496-15 lays it out. Reserved bits
    /// are written as ones. Precondition: counts and sizes within the record's fields (the two
    /// throwing initialisers guarantee it).
    public func serialized() -> [UInt8] {
        precondition([1, 2, 4].contains(nalLengthSize), "hvcC NAL length size must be 1, 2 or 4")
        precondition(arrays.count <= 255, "hvcC holds at most 255 arrays")
        var writer = ByteWriter(capacity: 128)
        let ptl = profileTierLevel
        writer.write(UInt8(1))
        writer.write((ptl.profileSpace & 0x03) << 6 | (ptl.tierFlag ? 0x20 : 0) | (ptl.profileIdc & 0x1f))
        writer.write(ptl.compatibilityFlags)
        writer.write(UInt32(truncatingIfNeeded: ptl.constraintIndicatorFlags >> 16))
        writer.write(UInt16(truncatingIfNeeded: ptl.constraintIndicatorFlags))
        writer.write(ptl.levelIdc)
        writer.write(0xf000 | (minSpatialSegmentationIdc & 0x0fff))
        writer.write(0xfc | (parallelismType & 0x03))
        writer.write(0xfc | (chromaFormat & 0x03))
        writer.write(0xf8 | (bitDepthLumaMinus8 & 0x07))
        writer.write(0xf8 | (bitDepthChromaMinus8 & 0x07))
        writer.write(averageFrameRate)
        writer.write(
            (constantFrameRate & 0x03) << 6 | (numTemporalLayers & 0x07) << 3 | (temporalIDNested ? 0x04 : 0) | UInt8(nalLengthSize - 1))
        writer.write(UInt8(arrays.count))
        for array in arrays {
            guard let count = UInt16(exactly: array.units.count) else { preconditionFailure("hvcC array of \(array.units.count) units") }
            writer.write((array.complete ? 0x80 : 0) | (array.type & 0x3f))
            writer.write(count)
            for unit in array.units {
                guard let length = UInt16(exactly: unit.count) else { preconditionFailure("NAL unit of \(unit.count) bytes exceeds 65535") }
                writer.write(length)
                writer.write(unit)
            }
        }
        return writer.bytes
    }

    private static func checkUnit(_ unit: some Collection<UInt8>, type: UInt8) throws {
        guard let header = HEVCNALUnitHeader(unit) else {
            throw SegmenterError(.invalidValue, "hvcC NAL unit of \(unit.count) bytes has no valid two-byte header")
        }
        guard header.type == type else {
            throw SegmenterError(.invalidValue, "HEVC NAL unit type \(header.type) in the hvcC array of type \(type)")
        }
        if HEVCNALUnitType(rawValue: type)?.isParameterSet == true, unit.count > CodecLimits.maxParameterSetSize {
            throw SegmenterError(
                .limitExceeded, "HEVC parameter set of \(unit.count) bytes exceeds the limit of \(CodecLimits.maxParameterSetSize)")
        }
    }
}
