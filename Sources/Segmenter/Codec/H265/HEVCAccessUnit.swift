/// One HEVC access unit in the shape `MediaPacket` carries (4-byte length-prefixed NAL units),
/// with its in-band parameter sets and IRAP flag pulled out.
///
/// An `hvc1` sample entry declares its parameter-set arrays complete: no VPS, SPS or PPS may
/// come in band (ISO/IEC 14496-15 §8.4.1). `withoutParameterSets` gives the samples that rule
/// wants; SEI, AUD and slices are kept as they are.
public struct HEVCAccessUnit: Sendable, Equatable {
    /// Every NAL unit of the access unit, each behind its 4-byte big-endian length.
    public var lengthPrefixed: [UInt8]
    public var videoParameterSets: [[UInt8]] = []
    public var sequenceParameterSets: [[UInt8]] = []
    public var pictureParameterSets: [[UInt8]] = []
    /// True when the access unit holds a slice of an IRAP picture (BLA, IDR or CRA; types 16…23).
    public var containsIRAP = false
    /// The nal_unit_type of each NAL unit, in order.
    public var nalUnitTypes: [UInt8] = []
    /// Where each NAL unit lies in `lengthPrefixed` (its prefix included).
    private var unitRanges: [Range<Int>] = []

    /// From 4-byte length-prefixed NAL units (a `MediaPacket` payload, or the output of
    /// `AnnexB.toLengthPrefixed`). Throws like `LengthPrefixed.nalUnits(in:lengthSize:)`; NAL
    /// units without a valid two-byte header are kept but not classified.
    public init(lengthPrefixed data: [UInt8]) throws {
        lengthPrefixed = data
        let ranges = try data.withUnsafeBytes { try LengthPrefixed.nalUnitRanges(in: $0, lengthSize: 4) }
        nalUnitTypes.reserveCapacity(ranges.count)
        for range in ranges {
            unitRanges.append((range.lowerBound - 4)..<range.upperBound)
            let unit = data[range]
            guard let header = HEVCNALUnitHeader(unit) else {
                nalUnitTypes.append(0xff)
                continue
            }
            nalUnitTypes.append(header.type)
            switch header.knownType {
            case .vps: videoParameterSets.append(Array(unit))
            case .sps: sequenceParameterSets.append(Array(unit))
            case .pps: pictureParameterSets.append(Array(unit))
            default: if HEVCNALUnitType.isIRAP(header.type) { containsIRAP = true }
            }
        }
    }

    /// Whether any VPS, SPS or PPS comes in band.
    public var hasParameterSets: Bool {
        !videoParameterSets.isEmpty || !sequenceParameterSets.isEmpty || !pictureParameterSets.isEmpty
    }

    /// The access unit without its VPS, SPS and PPS NAL units (everything else in order).
    /// Returns the payload unchanged, without a copy, when it holds none.
    public var withoutParameterSets: [UInt8] {
        guard hasParameterSets else { return lengthPrefixed }
        var output: [UInt8] = []
        output.reserveCapacity(lengthPrefixed.count)
        for (range, type) in zip(unitRanges, nalUnitTypes) where !(HEVCNALUnitType(rawValue: type)?.isParameterSet ?? false) {
            output.append(contentsOf: lengthPrefixed[range])
        }
        return output
    }

    /// Whether the in-band parameter sets repeat those of `record` (each one appears there,
    /// compared as `ParameterSetComparison` does).
    public func parameterSetsMatch(_ record: HEVCDecoderConfigurationRecord) -> Bool {
        ParameterSetComparison.covers(record.videoParameterSets, videoParameterSets)
            && ParameterSetComparison.covers(record.sequenceParameterSets, sequenceParameterSets)
            && ParameterSetComparison.covers(record.pictureParameterSets, pictureParameterSets)
    }
}
