/// The first fields of an HEVC picture parameter set (ITU-T H.265 §7.3.2.3.1): what reading a
/// slice header as far as its picture order count needs.
///
/// ```
/// pic_parameter_set_rbsp( ) {
///   pps_pic_parameter_set_id                ue(v)
///   pps_seq_parameter_set_id                ue(v)
///   dependent_slice_segments_enabled_flag   u(1)
///   output_flag_present_flag                u(1)
///   num_extra_slice_header_bits             u(3)
///   …
/// }
/// ```
public struct HEVCPPS: Sendable, Equatable {
    public var picParameterSetID: Int
    public var seqParameterSetID: Int
    public var dependentSliceSegmentsEnabled: Bool
    public var outputFlagPresent: Bool
    public var numExtraSliceHeaderBits: Int

    /// Largest pps_pic_parameter_set_id (§7.4.3.3.1).
    static let maxPicParameterSetID = 63

    /// Parses a PPS NAL unit, two-byte header included, emulation-prevention bytes still in.
    public static func parse(_ nal: some Collection<UInt8>) throws -> HEVCPPS {
        guard nal.count <= CodecLimits.maxParameterSetSize else {
            throw SegmenterError(.limitExceeded, "HEVC PPS of \(nal.count) bytes exceeds the limit of \(CodecLimits.maxParameterSetSize)")
        }
        guard let header = HEVCNALUnitHeader(nal), header.knownType == .pps else {
            throw SegmenterError(.invalidValue, "not an HEVC PPS NAL unit")
        }
        var bits = BitReader(AnnexB.removeEmulationPrevention(nal.dropFirst(2)))
        let id = Int(try bits.readUE())
        guard id <= maxPicParameterSetID else { throw SegmenterError(.invalidValue, "HEVC PPS id \(id); at most 63 is allowed") }
        let spsID = Int(try bits.readUE())
        guard spsID <= HEVCSPS.maxSeqParameterSetID else { throw SegmenterError(.invalidValue, "HEVC PPS refers to SPS id \(spsID)") }
        let dependent = try bits.readFlag()
        let output = try bits.readFlag()
        let extraBits = Int(try bits.readBits(3))
        return HEVCPPS(
            picParameterSetID: id, seqParameterSetID: spsID, dependentSliceSegmentsEnabled: dependent, outputFlagPresent: output,
            numExtraSliceHeaderBits: extraBits)
    }
}
