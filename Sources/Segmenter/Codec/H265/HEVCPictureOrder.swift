/// Picture order counts of an HEVC stream read in decoding order (ITU-T H.265 §8.3.1), and from
/// them each picture's place in output order: what gives presentation times to a stream that
/// carries none (raw Annex-B `.hevc`), whose B-frames would otherwise be shown in decoding order.
///
/// Each access unit's first slice header is read as far as slice_pic_order_cnt_lsb:
///
/// ```
/// slice_segment_header( ) {
///   first_slice_segment_in_pic_flag              u(1)
///   if( nal_unit_type >= BLA_W_LP && nal_unit_type <= RSV_IRAP_VCL23 )
///     no_output_of_prior_pics_flag               u(1)
///   slice_pic_parameter_set_id                   ue(v)
///   (first slice: no dependent_slice_segment_flag, no slice_segment_address)
///   slice_reserved_flag[ i ]                     u(1) × num_extra_slice_header_bits
///   slice_type                                   ue(v)
///   if( output_flag_present_flag ) pic_output_flag            u(1)
///   if( separate_colour_plane_flag ) colour_plane_id          u(2)
///   if( nal_unit_type != IDR_W_RADL && nal_unit_type != IDR_N_LP )
///     slice_pic_order_cnt_lsb                    u(v)
///   …
/// }
/// ```
public struct HEVCPictureOrder: Sendable {
    private var sequenceParameterSets: [Int: HEVCSPS] = [:]
    private var pictureParameterSets: [Int: HEVCPPS] = [:]
    /// PicOrderCntVal of prevTid0Pic (§8.3.1).
    private var previousTid0Order: Int?
    /// The next picture starts a coded video sequence (after an end-of-sequence NAL unit).
    private var afterEndOfSequence = false
    /// Output index of picture order count 0 in the current coded video sequence.
    private var sequenceBase = 0
    /// The highest output index given so far.
    private var highestIndex = -1

    public init() {}

    /// The reorder depth of the newest SPS (0 before any).
    public private(set) var maxNumReorderPics = 0

    /// Notes the parameter sets of `unit` (later ones replace earlier ones with the same id),
    /// then returns the output index of its picture: rising by one per picture in output order
    /// across the whole stream. `nil` when the access unit holds no first slice or refers to a
    /// parameter set not seen; throws when a parameter set or the slice header does not parse.
    public mutating func outputIndex(of unit: HEVCAccessUnit) throws -> Int? {
        for sps in unit.sequenceParameterSets {
            let parsed = try HEVCSPS.parse(sps)
            sequenceParameterSets[parsed.seqParameterSetID] = parsed
            maxNumReorderPics = parsed.maxNumReorderPics
        }
        for pps in unit.pictureParameterSets {
            let parsed = try HEVCPPS.parse(pps)
            pictureParameterSets[parsed.picParameterSetID] = parsed
        }
        guard let (slice, header) = unit.firstSlice else {
            if unit.nalUnitTypes.contains(HEVCNALUnitType.endOfSequence.rawValue) { afterEndOfSequence = true }
            return nil
        }
        var bits = BitReader(AnnexB.removeEmulationPrevention(slice.dropFirst(2)))
        guard try bits.readFlag() else { return nil }  // not the first slice segment of a picture
        let type = header.type
        let isIRAP = HEVCNALUnitType.isIRAP(type)
        if isIRAP { try bits.skipBits(1) }
        let ppsID = Int(try bits.readUE())
        guard let pps = pictureParameterSets[ppsID], let sps = sequenceParameterSets[pps.seqParameterSetID] else { return nil }
        try bits.skipBits(pps.numExtraSliceHeaderBits)
        _ = try bits.readUE()  // slice_type
        if pps.outputFlagPresent { try bits.skipBits(1) }
        if sps.separateColourPlane { try bits.skipBits(2) }
        let isIDR = type == HEVCNALUnitType.idrWithRADL.rawValue || type == HEVCNALUnitType.idrNoLeadingPictures.rawValue
        let lsb = isIDR ? 0 : Int(try bits.readBits(sps.log2MaxPicOrderCntLsb))

        // §8.3.1: an IRAP picture with NoRaslOutputFlag (IDR, BLA, the first picture, the first
        // after an end of sequence) starts a coded video sequence with PicOrderCntMsb 0.
        let startsSequence =
            isIRAP && (type <= HEVCNALUnitType.idrNoLeadingPictures.rawValue || previousTid0Order == nil || afterEndOfSequence)
        let maxLsb = 1 << sps.log2MaxPicOrderCntLsb
        var msb = 0
        if !startsSequence, let previous = previousTid0Order {
            let previousLsb = previous & (maxLsb - 1)
            let previousMsb = previous - previousLsb
            if lsb < previousLsb && previousLsb - lsb >= maxLsb / 2 {
                msb = previousMsb + maxLsb
            } else if lsb > previousLsb && lsb - previousLsb > maxLsb / 2 {
                msb = previousMsb - maxLsb
            } else {
                msb = previousMsb
            }
        }
        let order = msb + lsb
        afterEndOfSequence = unit.nalUnitTypes.contains(HEVCNALUnitType.endOfSequence.rawValue)
        // prevTid0Pic: TemporalId 0 and not a RADL, RASL or sub-layer non-reference picture.
        let isLeading = (6...9).contains(type)
        let isSubLayerNonReference = type <= 14 && type % 2 == 0
        if header.temporalID == 0 && !isLeading && !isSubLayerNonReference { previousTid0Order = order }
        if startsSequence { sequenceBase = highestIndex + 1 - order }
        let index = sequenceBase + order
        highestIndex = max(highestIndex, index)
        return index
    }
}

extension HEVCAccessUnit {
    /// The first VCL NAL unit (a slice segment) and its header.
    var firstSlice: (ArraySlice<UInt8>, HEVCNALUnitHeader)? {
        var reader = ByteReader(lengthPrefixed)
        while let length = reader.readUInt32(), let unit = reader.readBytes(Int(length)) {
            if let header = HEVCNALUnitHeader(unit), HEVCNALUnitType.isVCL(header.type) { return (unit, header) }
        }
        return nil
    }
}
