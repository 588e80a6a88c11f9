/// `nal_unit_type` of H.264 (ITU-T H.264 Table 7-1): the low five bits of the NAL header.
///
/// ```
/// nal_unit( NumBytesInNALunit ) {
///   forbidden_zero_bit   f(1)
///   nal_ref_idc          u(2)
///   nal_unit_type        u(5)
///   ...
/// }
/// ```
public enum H264NALUnitType: UInt8, Sendable, CaseIterable {
    /// Coded slice of a non-IDR picture.
    case slice = 1
    case sliceDataPartitionA = 2
    case sliceDataPartitionB = 3
    case sliceDataPartitionC = 4
    /// Coded slice of an IDR picture: a random-access point.
    case idr = 5
    case sei = 6
    case sps = 7
    case pps = 8
    /// Access unit delimiter.
    case aud = 9
    case endOfSequence = 10
    case endOfStream = 11
    case fillerData = 12
    case spsExtension = 13
    case prefixNALUnit = 14
    case subsetSPS = 15
    case depthParameterSet = 16
    case auxiliarySlice = 19
    case sliceExtension = 20
    case sliceExtensionDepthView = 21

    /// The type in a NAL header byte; `nil` for reserved and unspecified values.
    public init?(headerByte: UInt8) {
        self.init(rawValue: headerByte & 0x1f)
    }

    /// The type of a NAL unit (header byte included); `nil` when empty, reserved or unspecified.
    public static func of(_ nal: some Collection<UInt8>) -> H264NALUnitType? {
        nal.first.flatMap { H264NALUnitType(headerByte: $0) }
    }

    /// True for the types that carry slice data of the primary coded picture (1…5).
    public var isVCL: Bool { (1...5).contains(rawValue) }
}
