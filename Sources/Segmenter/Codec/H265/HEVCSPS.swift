/// The fields of an HEVC sequence parameter set (ITU-T H.265 §7.3.2.2.1) that packaging needs:
/// profile, tier and level, chroma format and bit depths (for the hvcC), the sub-layer fields
/// the hvcC repeats, the displayed picture size, and what picture order counts need (the size
/// of slice_pic_order_cnt_lsb, the reorder depth). The fields after the sub-layer ordering info
/// are read only to reach the VUI's timing (`HEVCSPS+VUI.swift`).
///
/// ```
/// seq_parameter_set_rbsp( ) {
///   sps_video_parameter_set_id                      u(4)
///   sps_max_sub_layers_minus1                       u(3)
///   sps_temporal_id_nesting_flag                    u(1)
///   profile_tier_level( 1, sps_max_sub_layers_minus1 )
///   sps_seq_parameter_set_id                        ue(v)
///   chroma_format_idc                               ue(v)
///   if( chroma_format_idc == 3 )
///     separate_colour_plane_flag                    u(1)
///   pic_width_in_luma_samples                       ue(v)
///   pic_height_in_luma_samples                      ue(v)
///   conformance_window_flag                         u(1)
///   if( conformance_window_flag ) {
///     conf_win_left_offset, conf_win_right_offset,
///     conf_win_top_offset, conf_win_bottom_offset   ue(v) × 4
///   }
///   bit_depth_luma_minus8                           ue(v)
///   bit_depth_chroma_minus8                         ue(v)
///   log2_max_pic_order_cnt_lsb_minus4               ue(v)
///   sps_sub_layer_ordering_info_present_flag        u(1)
///   for( i = ( sps_sub_layer_ordering_info_present_flag ? 0 : sps_max_sub_layers_minus1 );
///        i <= sps_max_sub_layers_minus1; i++ ) {
///     sps_max_dec_pic_buffering_minus1[ i ]         ue(v)
///     sps_max_num_reorder_pics[ i ]                 ue(v)
///     sps_max_latency_increase_plus1[ i ]           ue(v)
///   }
///   … (`HEVCSPS+VUI.swift`)
/// }
/// ```
public struct HEVCSPS: Sendable, Equatable {
    public var videoParameterSetID: UInt8
    /// sps_max_sub_layers_minus1 + 1.
    public var maxSubLayers: Int
    public var temporalIDNesting: Bool
    public var profileTierLevel: HEVCProfileTierLevel
    public var seqParameterSetID: Int
    /// 0 = monochrome, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4.
    public var chromaFormatIdc: UInt8
    public var separateColourPlane: Bool
    /// Coded picture size in luma samples.
    public var codedWidth: Int
    public var codedHeight: Int
    /// Conformance window offsets in luma samples (already multiplied by SubWidthC / SubHeightC).
    public var cropLeft: Int
    public var cropRight: Int
    public var cropTop: Int
    public var cropBottom: Int
    public var bitDepthLumaMinus8: UInt8
    public var bitDepthChromaMinus8: UInt8
    /// Bits of slice_pic_order_cnt_lsb (log2_max_pic_order_cnt_lsb_minus4 + 4, 4…16).
    public var log2MaxPicOrderCntLsb: Int
    /// sps_max_num_reorder_pics of the highest sub-layer: how many pictures at most precede
    /// any picture in decoding order and follow it in output order.
    public var maxNumReorderPics: Int
    /// The VUI's timing (`time_scale / num_units_in_tick` pictures per second); `nil` when the
    /// SPS has no VUI, the VUI no timing, or the fields before it do not parse.
    public var timing: VUITiming?

    /// Displayed width: the coded width minus the conformance window's left and right offsets.
    public var width: Int { codedWidth - cropLeft - cropRight }
    /// Displayed height: the coded height minus the conformance window's top and bottom offsets.
    public var height: Int { codedHeight - cropTop - cropBottom }

    /// Largest value of sps_seq_parameter_set_id (§7.4.3.2.1).
    static let maxSeqParameterSetID = 15
    /// Largest bit_depth_luma_minus8 / bit_depth_chroma_minus8 (§7.4.3.2.1: 0…8).
    static let maxBitDepthMinus8 = 8
    /// Largest log2_max_pic_order_cnt_lsb_minus4 (§7.4.3.2.1: 0…12).
    static let maxLog2PicOrderCntLsbMinus4 = 12
    /// Largest sps_max_dec_pic_buffering_minus1 and sps_max_num_reorder_pics: MaxDpbSize − 1
    /// (§A.4.2: a DPB holds at most 16 pictures).
    static let maxDecodedPictureBufferingMinus1 = 15

    /// Parses an SPS NAL unit, two-byte NAL header included, emulation-prevention bytes still in.
    public static func parse(_ nal: some Collection<UInt8>) throws -> HEVCSPS {
        guard nal.count <= CodecLimits.maxParameterSetSize else {
            throw SegmenterError(.limitExceeded, "HEVC SPS of \(nal.count) bytes exceeds the limit of \(CodecLimits.maxParameterSetSize)")
        }
        guard let header = HEVCNALUnitHeader(nal) else {
            throw SegmenterError(nal.count < 2 ? .truncated : .invalidValue, "HEVC SPS NAL unit header is missing or malformed")
        }
        guard header.knownType == .sps else {
            throw SegmenterError(.invalidValue, "HEVC NAL unit type \(header.type) where an SPS (33) was expected")
        }
        var bits = BitReader(AnnexB.removeEmulationPrevention(nal.dropFirst(2)))
        return try HEVCSPS(reading: &bits)
    }

    private init(reading bits: inout BitReader) throws {
        videoParameterSetID = UInt8(try bits.readBits(4))
        let maxSubLayersMinus1 = Int(try bits.readBits(3))
        guard maxSubLayersMinus1 < HEVCLimits.maxSubLayers else {
            throw SegmenterError(.invalidValue, "HEVC SPS sps_max_sub_layers_minus1 is 7; at most 6 is allowed")
        }
        maxSubLayers = maxSubLayersMinus1 + 1
        temporalIDNesting = try bits.readFlag()
        profileTierLevel = try HEVCProfileTierLevel(reading: &bits, maxSubLayersMinus1: maxSubLayersMinus1)
        seqParameterSetID = try Self.readUE(&bits, "sps_seq_parameter_set_id", max: Self.maxSeqParameterSetID)
        chromaFormatIdc = UInt8(try Self.readUE(&bits, "chroma_format_idc", max: 3))
        separateColourPlane = false
        if chromaFormatIdc == 3 { separateColourPlane = try bits.readFlag() }
        codedWidth = try Self.readUE(&bits, "pic_width_in_luma_samples", max: HEVCLimits.maxLumaDimension, code: .limitExceeded)
        codedHeight = try Self.readUE(&bits, "pic_height_in_luma_samples", max: HEVCLimits.maxLumaDimension, code: .limitExceeded)
        guard codedWidth > 0, codedHeight > 0 else {
            throw SegmenterError(.invalidValue, "HEVC SPS picture size \(codedWidth)×\(codedHeight) is empty")
        }
        guard codedWidth * codedHeight <= HEVCLimits.maxLumaPictureSize else {
            throw SegmenterError(
                .limitExceeded, "HEVC SPS picture of \(codedWidth)×\(codedHeight) exceeds \(HEVCLimits.maxLumaPictureSize) luma samples")
        }
        // Offsets count chroma samples: SubWidthC × SubHeightC luma samples each (Table 6-1).
        let chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc
        let (subWidthC, subHeightC) = chromaArrayType == 1 ? (2, 2) : chromaArrayType == 2 ? (2, 1) : (1, 1)
        (cropLeft, cropRight, cropTop, cropBottom) = (0, 0, 0, 0)
        if try bits.readFlag() {
            // Each offset is bounded by the coded size, so the products cannot overflow.
            cropLeft = try Self.readUE(&bits, "conf_win_left_offset", max: codedWidth) * subWidthC
            cropRight = try Self.readUE(&bits, "conf_win_right_offset", max: codedWidth) * subWidthC
            cropTop = try Self.readUE(&bits, "conf_win_top_offset", max: codedHeight) * subHeightC
            cropBottom = try Self.readUE(&bits, "conf_win_bottom_offset", max: codedHeight) * subHeightC
        }
        guard cropLeft + cropRight < codedWidth, cropTop + cropBottom < codedHeight else {
            throw SegmenterError(.invalidValue, "HEVC conformance window leaves no picture of the coded \(codedWidth)×\(codedHeight)")
        }
        bitDepthLumaMinus8 = UInt8(try Self.readUE(&bits, "bit_depth_luma_minus8", max: Self.maxBitDepthMinus8))
        bitDepthChromaMinus8 = UInt8(try Self.readUE(&bits, "bit_depth_chroma_minus8", max: Self.maxBitDepthMinus8))
        log2MaxPicOrderCntLsb = try Self.readUE(&bits, "log2_max_pic_order_cnt_lsb_minus4", max: Self.maxLog2PicOrderCntLsbMinus4) + 4
        let orderingForEverySubLayer = try bits.readFlag()
        maxNumReorderPics = 0
        var maxDecPicBufferingMinus1 = 0
        for _ in (orderingForEverySubLayer ? 0 : maxSubLayersMinus1)...maxSubLayersMinus1 {
            maxDecPicBufferingMinus1 = try Self.readUE(
                &bits, "sps_max_dec_pic_buffering_minus1", max: Self.maxDecodedPictureBufferingMinus1)
            maxNumReorderPics = try Self.readUE(&bits, "sps_max_num_reorder_pics", max: maxDecPicBufferingMinus1)
            _ = try bits.readUE()  // sps_max_latency_increase_plus1
        }
        // Packaging needs only the fields above; the timing helps streams without timestamps.
        // A tail that is cut or out of range leaves the timing unknown rather than rejecting an
        // SPS whose picture fields parsed.
        timing = try? Self.readVUITiming(
            &bits, log2MaxPicOrderCntLsb: log2MaxPicOrderCntLsb, maxDecPicBufferingMinus1: maxDecPicBufferingMinus1)
    }

    static func readUE(
        _ bits: inout BitReader, _ name: String, max: Int, code: SegmenterError.Code = .invalidValue
    ) throws -> Int {
        let value = Int(try bits.readUE())
        guard value <= max else { throw SegmenterError(code, "HEVC SPS \(name) is \(value); at most \(max) is allowed") }
        return value
    }
}
