/// The fields of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) that packaging needs:
/// profile and level, chroma format and bit depth (for the avcC high-profile extension) and the
/// displayed picture size. The VUI is read only as far as the sample aspect ratio and timing.
///
/// ```
/// seq_parameter_set_data( ) {
///   profile_idc                                     u(8)
///   constraint_set0_flag … constraint_set5_flag     u(1) × 6
///   reserved_zero_2bits                             u(2)
///   level_idc                                       u(8)
///   seq_parameter_set_id                            ue(v)
///   if( profile_idc == 100 || 110 || 122 || 244 || 44 || 83 || 86 || 118 || 128 || 138 || 139 || 134 || 135 ) {
///     chroma_format_idc                             ue(v)
///     if( chroma_format_idc == 3 )
///       separate_colour_plane_flag                  u(1)
///     bit_depth_luma_minus8                         ue(v)
///     bit_depth_chroma_minus8                       ue(v)
///     qpprime_y_zero_transform_bypass_flag          u(1)
///     seq_scaling_matrix_present_flag               u(1)
///     if( seq_scaling_matrix_present_flag )
///       for( i = 0; i < ( ( chroma_format_idc != 3 ) ? 8 : 12 ); i++ ) {
///         seq_scaling_list_present_flag[ i ]        u(1)
///         if( seq_scaling_list_present_flag[ i ] )
///           scaling_list( …, i < 6 ? 16 : 64, … )
///       }
///   }
///   log2_max_frame_num_minus4                       ue(v)
///   pic_order_cnt_type                              ue(v)
///   if( pic_order_cnt_type == 0 )
///     log2_max_pic_order_cnt_lsb_minus4             ue(v)
///   else if( pic_order_cnt_type == 1 ) {
///     delta_pic_order_always_zero_flag              u(1)
///     offset_for_non_ref_pic                        se(v)
///     offset_for_top_to_bottom_field                se(v)
///     num_ref_frames_in_pic_order_cnt_cycle         ue(v)
///     for( i = 0; i < num_ref_frames_in_pic_order_cnt_cycle; i++ )
///       offset_for_ref_frame[ i ]                   se(v)
///   }
///   max_num_ref_frames                              ue(v)
///   gaps_in_frame_num_value_allowed_flag            u(1)
///   pic_width_in_mbs_minus1                         ue(v)
///   pic_height_in_map_units_minus1                  ue(v)
///   frame_mbs_only_flag                             u(1)
///   if( !frame_mbs_only_flag )
///     mb_adaptive_frame_field_flag                  u(1)
///   direct_8x8_inference_flag                       u(1)
///   frame_cropping_flag                             u(1)
///   if( frame_cropping_flag ) {
///     frame_crop_left_offset, frame_crop_right_offset,
///     frame_crop_top_offset, frame_crop_bottom_offset   ue(v) × 4
///   }
///   vui_parameters_present_flag                     u(1)
///   if( vui_parameters_present_flag )
///     vui_parameters( )
/// }
/// ```
public struct H264SPS: Sendable, Equatable {
    public var profileIdc: UInt8
    /// constraint_set0_flag … constraint_set5_flag and the two reserved bits, as the byte after
    /// profile_idc (the avcC `profile_compatibility`).
    public var constraintFlags: UInt8
    public var levelIdc: UInt8
    public var seqParameterSetID: Int
    /// 0 = monochrome, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4. 1 when the profile does not signal it.
    public var chromaFormatIdc: UInt8
    public var separateColourPlane: Bool
    public var bitDepthLumaMinus8: UInt8
    public var bitDepthChromaMinus8: UInt8
    public var log2MaxFrameNumMinus4: Int
    public var picOrderCntType: Int
    public var maxNumRefFrames: Int
    /// Width of the coded picture in macroblocks.
    public var picWidthInMbs: Int
    /// Height of the coded frame in macroblocks (both fields together when interlaced).
    public var frameHeightInMbs: Int
    public var frameMbsOnly: Bool
    /// Crop offsets in luma samples (already multiplied by CropUnitX / CropUnitY): left, right, top, bottom.
    public var cropLeft: Int
    public var cropRight: Int
    public var cropTop: Int
    public var cropBottom: Int
    /// Displayed width in luma samples, after cropping.
    public var width: Int
    /// Displayed height in luma samples (of the frame, not a field), after cropping.
    public var height: Int
    /// Sample (pixel) aspect ratio from the VUI; `nil` when not signalled or unspecified.
    public var sampleAspectRatio: (width: Int, height: Int)? {
        get { sarWidth > 0 && sarHeight > 0 ? (sarWidth, sarHeight) : nil }
        set {
            sarWidth = newValue?.width ?? 0
            sarHeight = newValue?.height ?? 0
        }
    }
    /// VUI timing: `time_scale / (2 · num_units_in_tick)` is the frame rate of progressive video
    /// with `fixed_frame_rate_flag`. `nil` when absent.
    public var timing: Timing?

    /// The VUI timing type H.264 and HEVC share; an H.264 frame lasts two ticks.
    public typealias Timing = VUITiming

    private var sarWidth = 0
    private var sarHeight = 0

    /// Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices.
    static let profilesWithChromaInfo: Set<UInt8> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// Parses an SPS NAL unit, one-byte NAL header included, emulation-prevention bytes still in.
    public static func parse(_ nal: some Collection<UInt8>) throws -> H264SPS {
        guard nal.count <= CodecLimits.maxParameterSetSize else {
            throw SegmenterError(.limitExceeded, "SPS of \(nal.count) bytes exceeds the limit of \(CodecLimits.maxParameterSetSize)")
        }
        guard let header = nal.first else { throw SegmenterError(.truncated, "empty SPS NAL unit") }
        guard header & 0x80 == 0 else { throw SegmenterError(.invalidValue, "SPS NAL header has forbidden_zero_bit set") }
        guard header & 0x1f == H264NALUnitType.sps.rawValue else {
            throw SegmenterError(.invalidValue, "NAL unit type \(header & 0x1f) where an SPS (7) was expected")
        }
        var bits = BitReader(AnnexB.removeEmulationPrevention(nal.dropFirst()))
        return try H264SPS(reading: &bits)
    }

    private init(reading bits: inout BitReader) throws {
        profileIdc = UInt8(try bits.readBits(8))
        constraintFlags = UInt8(try bits.readBits(8))
        levelIdc = UInt8(try bits.readBits(8))
        seqParameterSetID = try Self.readUE(&bits, "seq_parameter_set_id", max: 31)

        chromaFormatIdc = 1
        separateColourPlane = false
        bitDepthLumaMinus8 = 0
        bitDepthChromaMinus8 = 0
        if Self.profilesWithChromaInfo.contains(profileIdc) {
            chromaFormatIdc = UInt8(try Self.readUE(&bits, "chroma_format_idc", max: 3))
            if chromaFormatIdc == 3 { separateColourPlane = try bits.readFlag() }
            bitDepthLumaMinus8 = UInt8(try Self.readUE(&bits, "bit_depth_luma_minus8", max: 6))
            bitDepthChromaMinus8 = UInt8(try Self.readUE(&bits, "bit_depth_chroma_minus8", max: 6))
            try bits.skipBits(1)  // qpprime_y_zero_transform_bypass_flag
            if try bits.readFlag() {  // seq_scaling_matrix_present_flag
                for list in 0..<(chromaFormatIdc != 3 ? 8 : 12) {
                    if try bits.readFlag() {  // seq_scaling_list_present_flag[i]
                        try Self.skipScalingList(&bits, size: list < 6 ? 16 : 64)
                    }
                }
            }
        }

        log2MaxFrameNumMinus4 = try Self.readUE(&bits, "log2_max_frame_num_minus4", max: 12)
        picOrderCntType = try Self.readUE(&bits, "pic_order_cnt_type", max: 2)
        if picOrderCntType == 0 {
            _ = try Self.readUE(&bits, "log2_max_pic_order_cnt_lsb_minus4", max: 12)
        } else if picOrderCntType == 1 {
            try bits.skipBits(1)  // delta_pic_order_always_zero_flag
            _ = try bits.readSE()  // offset_for_non_ref_pic
            _ = try bits.readSE()  // offset_for_top_to_bottom_field
            let cycle = try Self.readUE(&bits, "num_ref_frames_in_pic_order_cnt_cycle", max: 255)
            for _ in 0..<cycle { _ = try bits.readSE() }  // offset_for_ref_frame[i]
        }
        // MaxDpbFrames is at most 16 in every level (§A.3.1).
        maxNumRefFrames = try Self.readUE(&bits, "max_num_ref_frames", max: 16)
        try bits.skipBits(1)  // gaps_in_frame_num_value_allowed_flag

        let maxMbs = CodecLimits.maxMacroblocksPerDimension
        picWidthInMbs = try Self.readUE(&bits, "pic_width_in_mbs_minus1", max: maxMbs - 1, code: .limitExceeded) + 1
        let picHeightInMapUnits = try Self.readUE(&bits, "pic_height_in_map_units_minus1", max: maxMbs - 1, code: .limitExceeded) + 1
        frameMbsOnly = try bits.readFlag()
        if !frameMbsOnly { try bits.skipBits(1) }  // mb_adaptive_frame_field_flag
        frameHeightInMbs = (frameMbsOnly ? 1 : 2) * picHeightInMapUnits
        guard frameHeightInMbs <= maxMbs, picWidthInMbs * frameHeightInMbs <= CodecLimits.maxMacroblocksPerPicture else {
            throw SegmenterError(
                .limitExceeded, "picture of \(picWidthInMbs)×\(frameHeightInMbs) macroblocks is larger than level 6.2 allows")
        }
        try bits.skipBits(1)  // direct_8x8_inference_flag

        // Crop units (§7.4.2.1.1): ChromaArrayType 0 (monochrome or separate planes) crops in
        // luma samples; otherwise in chroma samples (SubWidthC × SubHeightC). Field-coded
        // streams crop in pairs of lines.
        let chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc
        let (subWidthC, subHeightC) = chromaArrayType == 1 ? (2, 2) : chromaArrayType == 2 ? (2, 1) : (1, 1)
        let cropUnitX = subWidthC
        let cropUnitY = subHeightC * (frameMbsOnly ? 1 : 2)
        let codedWidth = picWidthInMbs * 16
        let codedHeight = frameHeightInMbs * 16
        cropLeft = 0
        cropRight = 0
        cropTop = 0
        cropBottom = 0
        if try bits.readFlag() {  // frame_cropping_flag
            // Each offset is bounded by the coded size, so the products below cannot overflow.
            cropLeft = try Self.readUE(&bits, "frame_crop_left_offset", max: codedWidth) * cropUnitX
            cropRight = try Self.readUE(&bits, "frame_crop_right_offset", max: codedWidth) * cropUnitX
            cropTop = try Self.readUE(&bits, "frame_crop_top_offset", max: codedHeight) * cropUnitY
            cropBottom = try Self.readUE(&bits, "frame_crop_bottom_offset", max: codedHeight) * cropUnitY
        }
        width = codedWidth - cropLeft - cropRight
        height = codedHeight - cropTop - cropBottom
        guard width > 0, height > 0 else {
            throw SegmenterError(.invalidValue, "frame cropping leaves no picture of the coded \(codedWidth)×\(codedHeight)")
        }

        timing = nil
        // The VUI is optional for packaging: a VUI we cannot read leaves the fields unset
        // rather than rejecting a stream that decodes fine.
        if (try? bits.readFlag()) == true {
            try? readVUI(&bits)
        }
    }

    /// vui_parameters( ) (§E.1.1) up to and including the timing information.
    ///
    /// ```
    /// aspect_ratio_info_present_flag                 u(1)
    /// if( aspect_ratio_info_present_flag ) {
    ///   aspect_ratio_idc                             u(8)
    ///   if( aspect_ratio_idc == Extended_SAR ) { sar_width u(16)  sar_height u(16) }
    /// }
    /// overscan_info_present_flag                     u(1)
    /// if( overscan_info_present_flag ) overscan_appropriate_flag u(1)
    /// video_signal_type_present_flag                 u(1)
    /// if( video_signal_type_present_flag ) {
    ///   video_format u(3)  video_full_range_flag u(1)  colour_description_present_flag u(1)
    ///   if( colour_description_present_flag ) { colour_primaries, transfer_characteristics, matrix_coefficients u(8) × 3 }
    /// }
    /// chroma_loc_info_present_flag                   u(1)
    /// if( chroma_loc_info_present_flag ) { chroma_sample_loc_type_top_field, …_bottom_field ue(v) × 2 }
    /// timing_info_present_flag                       u(1)
    /// if( timing_info_present_flag ) { num_units_in_tick u(32)  time_scale u(32)  fixed_frame_rate_flag u(1) }
    /// ```
    private mutating func readVUI(_ bits: inout BitReader) throws {
        if try bits.readFlag() {
            let idc = Int(try bits.readBits(8))
            if idc == 255 {  // Extended_SAR
                let sarW = Int(try bits.readBits(16))
                let sarH = Int(try bits.readBits(16))
                (sarWidth, sarHeight) = (sarW, sarH)
            } else if idc >= 1 && idc <= Self.sampleAspectRatios.count {
                (sarWidth, sarHeight) = Self.sampleAspectRatios[idc - 1]
            }
        }
        if try bits.readFlag() { try bits.skipBits(1) }
        if try bits.readFlag() {
            try bits.skipBits(4)
            if try bits.readFlag() { try bits.skipBits(24) }
        }
        if try bits.readFlag() {
            _ = try bits.readUE()
            _ = try bits.readUE()
        }
        if try bits.readFlag() {
            let numUnitsInTick = try bits.readBits(32)
            let timeScale = try bits.readBits(32)
            let fixed = try bits.readFlag()
            timing = Timing(numUnitsInTick: numUnitsInTick, timeScale: timeScale, fixedFrameRate: fixed)
        }
    }

    /// Table E-1, aspect_ratio_idc 1…16.
    static let sampleAspectRatios: [(Int, Int)] = [
        (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11),
        (80, 33), (18, 11), (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1),
    ]

    /// scaling_list( ) (§7.3.2.1.1.1): read only to get past it.
    ///
    /// ```
    /// lastScale = 8; nextScale = 8
    /// for( j = 0; j < sizeOfScalingList; j++ ) {
    ///   if( nextScale != 0 ) {
    ///     delta_scale                                  se(v)
    ///     nextScale = ( lastScale + delta_scale + 256 ) % 256
    ///   }
    ///   lastScale = ( nextScale == 0 ) ? lastScale : nextScale
    /// }
    /// ```
    private static func skipScalingList(_ bits: inout BitReader, size: Int) throws {
        var lastScale: Int32 = 8
        var nextScale: Int32 = 8
        for _ in 0..<size {
            if nextScale != 0 {
                let delta = try bits.readSE()
                guard (-128...127).contains(delta) else {
                    throw SegmenterError(.invalidValue, "scaling list delta_scale \(delta) outside −128…127")
                }
                nextScale = (lastScale + delta + 256) % 256
            }
            if nextScale != 0 { lastScale = nextScale }
        }
    }

    private static func readUE(
        _ bits: inout BitReader, _ name: String, max: Int, code: SegmenterError.Code = .invalidValue
    ) throws -> Int {
        let value = Int(try bits.readUE())
        guard value <= max else { throw SegmenterError(code, "SPS \(name) is \(value); at most \(max) is allowed") }
        return value
    }
}

extension VUITiming {
    /// H.264's VUI timing (§E.2.1): a frame lasts two clock ticks, one per field, so
    /// `time_scale / (2 · num_units_in_tick)` is the frame rate.
    public init(numUnitsInTick: UInt32, timeScale: UInt32, fixedFrameRate: Bool) {
        self.init(numUnitsInTick: numUnitsInTick, timeScale: timeScale, fixedFrameRate: fixedFrameRate, ticksPerPicture: 2)
    }
}
