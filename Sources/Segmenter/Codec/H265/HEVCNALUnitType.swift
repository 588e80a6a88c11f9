/// `nal_unit_type` of HEVC (ITU-T H.265 Table 7-1) and the two-byte NAL unit header it sits in.
///
/// ```
/// nal_unit_header( ) {
///   forbidden_zero_bit       f(1)
///   nal_unit_type            u(6)
///   nuh_layer_id             u(6)
///   nuh_temporal_id_plus1    u(3)
/// }
/// ```
public struct HEVCNALUnitHeader: Sendable, Equatable {
    /// The raw type, 0…63 (reserved and unspecified values included).
    public var type: UInt8
    public var layerID: UInt8
    /// TemporalId: nuh_temporal_id_plus1 − 1 (a zero `plus1` is not a valid header).
    public var temporalID: UInt8

    public init(type: UInt8, layerID: UInt8, temporalID: UInt8) {
        self.type = type
        self.layerID = layerID
        self.temporalID = temporalID
    }

    /// The header at the start of `nal`; `nil` when shorter than two bytes, with the
    /// forbidden_zero_bit set or with nuh_temporal_id_plus1 zero.
    public init?(_ nal: some Collection<UInt8>) {
        var bytes = nal.makeIterator()
        guard let first = bytes.next(), let second = bytes.next(), first & 0x80 == 0, second & 0x07 != 0 else { return nil }
        type = (first >> 1) & 0x3f
        layerID = (first & 0x01) << 5 | second >> 3
        temporalID = (second & 0x07) - 1
    }

    /// The two header bytes.
    public var bytes: [UInt8] {
        [(type & 0x3f) << 1 | (layerID >> 5) & 0x01, (layerID & 0x1f) << 3 | ((temporalID + 1) & 0x07)]
    }

    /// The known type, `nil` for reserved and unspecified values.
    public var knownType: HEVCNALUnitType? { HEVCNALUnitType(rawValue: type) }
}

/// The HEVC NAL unit types packaging tells apart (Table 7-1).
public enum HEVCNALUnitType: UInt8, Sendable, CaseIterable {
    case trailN = 0
    case trailR = 1
    case tsaN = 2
    case tsaR = 3
    case stsaN = 4
    case stsaR = 5
    case radlN = 6
    case radlR = 7
    case raslN = 8
    case raslR = 9
    case blaWithLeadingPictures = 16
    case blaWithRADL = 17
    case blaNoLeadingPictures = 18
    case idrWithRADL = 19
    case idrNoLeadingPictures = 20
    case cra = 21
    case vps = 32
    case sps = 33
    case pps = 34
    /// Access unit delimiter.
    case aud = 35
    case endOfSequence = 36
    case endOfBitstream = 37
    case fillerData = 38
    case prefixSEI = 39
    case suffixSEI = 40

    /// Types 16…23 are intra random access point (IRAP) pictures: BLA, IDR, CRA and two
    /// reserved IRAP types. A decoder can start at an access unit holding one.
    public static func isIRAP(_ rawType: UInt8) -> Bool { (16...23).contains(rawType) }

    /// Types 0…31 carry slice data (VCL NAL units).
    public static func isVCL(_ rawType: UInt8) -> Bool { rawType < 32 }

    /// VPS, SPS and PPS: the parameter sets an hvcC carries.
    public var isParameterSet: Bool { self == .vps || self == .sps || self == .pps }
}
