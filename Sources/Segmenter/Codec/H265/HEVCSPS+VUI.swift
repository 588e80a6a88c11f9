/// The rest of an HEVC SPS up to the VUI timing (ITU-T H.265 §7.3.2.2.1 and §E.2.1): every
/// field between the sub-layer ordering info and vui_timing_info is read only to get past it.
///
/// ```
/// seq_parameter_set_rbsp( ) {
///   … (through the sub-layer ordering info: `HEVCSPS`)
///   log2_min_luma_coding_block_size_minus3          ue(v)
///   log2_diff_max_min_luma_coding_block_size        ue(v)
///   log2_min_luma_transform_block_size_minus2       ue(v)
///   log2_diff_max_min_luma_transform_block_size     ue(v)
///   max_transform_hierarchy_depth_inter             ue(v)
///   max_transform_hierarchy_depth_intra             ue(v)
///   scaling_list_enabled_flag                       u(1)
///   if( scaling_list_enabled_flag ) {
///     sps_scaling_list_data_present_flag            u(1)
///     if( sps_scaling_list_data_present_flag )
///       scaling_list_data( )
///   }
///   amp_enabled_flag                                u(1)
///   sample_adaptive_offset_enabled_flag             u(1)
///   pcm_enabled_flag                                u(1)
///   if( pcm_enabled_flag ) {
///     pcm_sample_bit_depth_luma_minus1              u(4)
///     pcm_sample_bit_depth_chroma_minus1            u(4)
///     log2_min_pcm_luma_coding_block_size_minus3    ue(v)
///     log2_diff_max_min_pcm_luma_coding_block_size  ue(v)
///     pcm_loop_filter_disabled_flag                 u(1)
///   }
///   num_short_term_ref_pic_sets                     ue(v)
///   for( i = 0; i < num_short_term_ref_pic_sets; i++ )
///     st_ref_pic_set( i )                           (`HEVCShortTermRefPicSet`)
///   long_term_ref_pics_present_flag                 u(1)
///   if( long_term_ref_pics_present_flag ) {
///     num_long_term_ref_pics_sps                    ue(v)
///     for( i = 0; i < num_long_term_ref_pics_sps; i++ ) {
///       lt_ref_pic_poc_lsb_sps[ i ]                 u(v)  (log2_max_pic_order_cnt_lsb bits)
///       used_by_curr_pic_lt_sps_flag[ i ]           u(1)
///     }
///   }
///   sps_temporal_mvp_enabled_flag                   u(1)
///   strong_intra_smoothing_enabled_flag             u(1)
///   vui_parameters_present_flag                     u(1)
///   if( vui_parameters_present_flag )
///     vui_parameters( )
///   … (extensions: not read)
/// }
/// ```
extension HEVCSPS {
    /// Largest num_short_term_ref_pic_sets (§7.4.3.2.1: 0…64).
    static let maxShortTermRefPicSets = 64
    /// Largest num_long_term_ref_pics_sps (§7.4.3.2.1: 0…32).
    static let maxLongTermRefPicsSPS = 32
    /// Largest log2_min_luma_coding_block_size_minus3, log2_diff_max_min_luma_coding_block_size
    /// and the transform and PCM sizes: a coding tree block is at most 64 (2^6) samples wide.
    static let maxLog2BlockSizeField = 3
    /// Largest max_transform_hierarchy_depth_inter / _intra: CtbLog2SizeY − MinTbLog2SizeY ≤ 6 − 2.
    static let maxTransformHierarchyDepth = 4

    /// Reads the fields after the sub-layer ordering info through the VUI's timing info: the
    /// timing, or `nil` when the SPS has no VUI or its VUI no timing. Throws when the tail is
    /// cut or a field is out of its range.
    static func readVUITiming(_ bits: inout BitReader, log2MaxPicOrderCntLsb: Int, maxDecPicBufferingMinus1: Int) throws -> VUITiming? {
        for name in [
            "log2_min_luma_coding_block_size_minus3", "log2_diff_max_min_luma_coding_block_size",
            "log2_min_luma_transform_block_size_minus2", "log2_diff_max_min_luma_transform_block_size",
        ] {
            _ = try readUE(&bits, name, max: maxLog2BlockSizeField)
        }
        _ = try readUE(&bits, "max_transform_hierarchy_depth_inter", max: maxTransformHierarchyDepth)
        _ = try readUE(&bits, "max_transform_hierarchy_depth_intra", max: maxTransformHierarchyDepth)
        if try bits.readFlag(), try bits.readFlag() {  // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
            try skipScalingListData(&bits)
        }
        try bits.skipBits(2)  // amp_enabled_flag, sample_adaptive_offset_enabled_flag
        if try bits.readFlag() {  // pcm_enabled_flag
            try bits.skipBits(8)  // pcm_sample_bit_depth_luma_minus1, pcm_sample_bit_depth_chroma_minus1
            _ = try readUE(&bits, "log2_min_pcm_luma_coding_block_size_minus3", max: maxLog2BlockSizeField)
            _ = try readUE(&bits, "log2_diff_max_min_pcm_luma_coding_block_size", max: maxLog2BlockSizeField)
            try bits.skipBits(1)  // pcm_loop_filter_disabled_flag
        }
        let shortTermSetCount = try readUE(&bits, "num_short_term_ref_pic_sets", max: maxShortTermRefPicSets)
        var shortTermSets: [HEVCShortTermRefPicSet] = []
        for index in 0..<shortTermSetCount {
            shortTermSets.append(
                try HEVCShortTermRefPicSet(
                    reading: &bits, index: index, previous: shortTermSets, maxDecPicBufferingMinus1: maxDecPicBufferingMinus1))
        }
        if try bits.readFlag() {  // long_term_ref_pics_present_flag
            let longTermCount = try readUE(&bits, "num_long_term_ref_pics_sps", max: maxLongTermRefPicsSPS)
            try bits.skipBits(longTermCount * (log2MaxPicOrderCntLsb + 1))  // lt_ref_pic_poc_lsb_sps, used_by_curr_pic_lt_sps_flag
        }
        try bits.skipBits(2)  // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
        guard try bits.readFlag() else { return nil }  // vui_parameters_present_flag
        return try readTimingFromVUI(&bits)
    }

    /// vui_parameters( ) (§E.2.1) up to and including the timing information.
    ///
    /// ```
    /// aspect_ratio_info_present_flag                  u(1)
    /// if( aspect_ratio_info_present_flag ) {
    ///   aspect_ratio_idc                              u(8)
    ///   if( aspect_ratio_idc == EXTENDED_SAR ) { sar_width u(16)  sar_height u(16) }
    /// }
    /// overscan_info_present_flag                      u(1)
    /// if( overscan_info_present_flag ) overscan_appropriate_flag u(1)
    /// video_signal_type_present_flag                  u(1)
    /// if( video_signal_type_present_flag ) {
    ///   video_format u(3)  video_full_range_flag u(1)  colour_description_present_flag u(1)
    ///   if( colour_description_present_flag ) { colour_primaries, transfer_characteristics, matrix_coeffs u(8) × 3 }
    /// }
    /// chroma_loc_info_present_flag                    u(1)
    /// if( chroma_loc_info_present_flag ) { chroma_sample_loc_type_top_field, …_bottom_field ue(v) × 2 }
    /// neutral_chroma_indication_flag                  u(1)
    /// field_seq_flag                                  u(1)
    /// frame_field_info_present_flag                   u(1)
    /// default_display_window_flag                     u(1)
    /// if( default_display_window_flag ) {
    ///   def_disp_win_left_offset, …_right_offset, …_top_offset, …_bottom_offset   ue(v) × 4
    /// }
    /// vui_timing_info_present_flag                    u(1)
    /// if( vui_timing_info_present_flag ) {
    ///   vui_num_units_in_tick                         u(32)
    ///   vui_time_scale                                u(32)
    ///   …
    /// }
    /// ```
    private static func readTimingFromVUI(_ bits: inout BitReader) throws -> VUITiming? {
        if try bits.readFlag() {  // aspect_ratio_info_present_flag
            if try bits.readBits(8) == 255 { try bits.skipBits(32) }  // EXTENDED_SAR: sar_width, sar_height
        }
        if try bits.readFlag() { try bits.skipBits(1) }  // overscan_appropriate_flag
        if try bits.readFlag() {  // video_signal_type_present_flag
            try bits.skipBits(4)  // video_format, video_full_range_flag
            if try bits.readFlag() { try bits.skipBits(24) }  // the colour description
        }
        if try bits.readFlag() {  // chroma_loc_info_present_flag
            _ = try bits.readUE()
            _ = try bits.readUE()
        }
        try bits.skipBits(3)  // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
        if try bits.readFlag() {  // default_display_window_flag
            for _ in 0..<4 { _ = try bits.readUE() }
        }
        guard try bits.readFlag() else { return nil }  // vui_timing_info_present_flag
        let numUnitsInTick = try bits.readBits(32)
        let timeScale = try bits.readBits(32)
        return .hevc(numUnitsInTick: numUnitsInTick, timeScale: timeScale)
    }

    /// scaling_list_data( ) (§7.3.4): read only to get past it.
    ///
    /// ```
    /// for( sizeId = 0; sizeId < 4; sizeId++ )
    ///   for( matrixId = 0; matrixId < 6; matrixId += ( sizeId == 3 ) ? 3 : 1 ) {
    ///     scaling_list_pred_mode_flag[ sizeId ][ matrixId ]        u(1)
    ///     if( !scaling_list_pred_mode_flag[ sizeId ][ matrixId ] )
    ///       scaling_list_pred_matrix_id_delta[ sizeId ][ matrixId ] ue(v)
    ///     else {
    ///       coefNum = Min( 64, ( 1 << ( 4 + ( sizeId << 1 ) ) ) )
    ///       if( sizeId > 1 )
    ///         scaling_list_dc_coef_minus8[ sizeId − 2 ][ matrixId ]  se(v)
    ///       for( i = 0; i < coefNum; i++ )
    ///         scaling_list_delta_coef                              se(v)
    ///     }
    ///   }
    /// ```
    static func skipScalingListData(_ bits: inout BitReader) throws {
        for sizeID in 0..<4 {
            for matrixID in stride(from: 0, to: 6, by: sizeID == 3 ? 3 : 1) {
                guard try bits.readFlag() else {
                    // The delta points back to an earlier matrix of the same size (§7.4.5).
                    _ = try readUE(&bits, "scaling_list_pred_matrix_id_delta", max: sizeID == 3 ? matrixID / 3 : matrixID)
                    continue
                }
                if sizeID > 1 {
                    let dc = try bits.readSE()
                    guard (-7...247).contains(dc) else {
                        throw SegmenterError(.invalidValue, "HEVC SPS scaling_list_dc_coef_minus8 \(dc) outside −7…247")
                    }
                }
                for _ in 0..<min(64, 1 << (4 + (sizeID << 1))) {
                    let delta = try bits.readSE()
                    guard (-128...127).contains(delta) else {
                        throw SegmenterError(.invalidValue, "HEVC SPS scaling_list_delta_coef \(delta) outside −128…127")
                    }
                }
            }
        }
    }
}
