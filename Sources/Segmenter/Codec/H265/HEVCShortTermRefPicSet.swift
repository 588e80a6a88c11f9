/// One short-term reference picture set of an HEVC SPS, st_ref_pic_set( stRpsIdx ) (ITU-T H.265
/// §7.3.7, semantics and derivation §7.4.8): the picture order count differences of the
/// reference pictures before (S0) and after (S1) the current one. The SPS reads them only to get
/// past them to the VUI; a set predicted from the one before it (inter_ref_pic_set_prediction)
/// needs that set's differences to know how many flags it carries.
///
/// ```
/// st_ref_pic_set( stRpsIdx ) {
///   if( stRpsIdx != 0 )
///     inter_ref_pic_set_prediction_flag               u(1)
///   if( inter_ref_pic_set_prediction_flag ) {
///     if( stRpsIdx == num_short_term_ref_pic_sets )   (slice headers only; in an SPS RefRpsIdx = stRpsIdx − 1)
///       delta_idx_minus1                              ue(v)
///     delta_rps_sign                                  u(1)
///     abs_delta_rps_minus1                            ue(v)
///     for( j = 0; j <= NumDeltaPocs[ RefRpsIdx ]; j++ ) {
///       used_by_curr_pic_flag[ j ]                    u(1)
///       if( !used_by_curr_pic_flag[ j ] )
///         use_delta_flag[ j ]                         u(1)
///     }
///   } else {
///     num_negative_pics                               ue(v)
///     num_positive_pics                               ue(v)
///     for( i = 0; i < num_negative_pics; i++ ) {
///       delta_poc_s0_minus1[ i ]                      ue(v)
///       used_by_curr_pic_s0_flag[ i ]                 u(1)
///     }
///     for( i = 0; i < num_positive_pics; i++ ) {
///       delta_poc_s1_minus1[ i ]                      ue(v)
///       used_by_curr_pic_s1_flag[ i ]                 u(1)
///     }
///   }
/// }
/// ```
struct HEVCShortTermRefPicSet: Sendable, Equatable {
    /// DeltaPocS0: differences to the earlier reference pictures, nearest first (all negative).
    var negative: [Int32] = []
    var usedByCurrentPictureNegative: [Bool] = []
    /// DeltaPocS1: differences to the later reference pictures, nearest first (all positive).
    var positive: [Int32] = []
    var usedByCurrentPicturePositive: [Bool] = []

    /// NumDeltaPocs: how many reference pictures the set lists.
    var count: Int { negative.count + positive.count }

    /// Largest delta_poc_s0_minus1, delta_poc_s1_minus1 and abs_delta_rps_minus1 (§7.4.8: 0…2^15 − 1).
    static let maxDeltaMinus1 = (1 << 15) - 1

    /// Reads st_ref_pic_set( `index` ) of an SPS. `previous` holds the sets 0…index − 1 already
    /// read; `maxDecPicBufferingMinus1` (sps_max_dec_pic_buffering_minus1 of the highest
    /// sub-layer) bounds num_negative_pics and num_positive_pics.
    init(reading bits: inout BitReader, index: Int, previous: [HEVCShortTermRefPicSet], maxDecPicBufferingMinus1: Int) throws {
        precondition(previous.count == index, "the sets before this one")
        if index != 0, try bits.readFlag() {  // inter_ref_pic_set_prediction_flag
            try self.init(predictingFrom: previous[index - 1], reading: &bits)
        } else {
            try self.init(listedIn: &bits, maxDecPicBufferingMinus1: maxDecPicBufferingMinus1)
        }
    }

    /// The explicit form: num_negative_pics and num_positive_pics differences, each a step
    /// further from the current picture (Equations 7-63 to 7-66).
    private init(listedIn bits: inout BitReader, maxDecPicBufferingMinus1: Int) throws {
        let negativeCount = try Self.readUE(&bits, "num_negative_pics", max: maxDecPicBufferingMinus1)
        let positiveCount = try Self.readUE(&bits, "num_positive_pics", max: maxDecPicBufferingMinus1 - negativeCount)
        var poc: Int32 = 0
        for _ in 0..<negativeCount {
            poc -= Int32(try Self.readUE(&bits, "delta_poc_s0_minus1", max: Self.maxDeltaMinus1) + 1)
            negative.append(poc)
            usedByCurrentPictureNegative.append(try bits.readFlag())
        }
        poc = 0
        for _ in 0..<positiveCount {
            poc += Int32(try Self.readUE(&bits, "delta_poc_s1_minus1", max: Self.maxDeltaMinus1) + 1)
            positive.append(poc)
            usedByCurrentPicturePositive.append(try bits.readFlag())
        }
    }

    /// The inter-RPS-predicted form: the reference set's differences shifted by deltaRps, plus
    /// deltaRps itself (the reference picture), each kept when its use_delta_flag is set
    /// (inferred set when used_by_curr_pic_flag is), sorted as Equations 7-61 and 7-62 do.
    private init(predictingFrom reference: HEVCShortTermRefPicSet, reading bits: inout BitReader) throws {
        let sign = try bits.readFlag()  // delta_rps_sign
        let magnitude = Int32(try Self.readUE(&bits, "abs_delta_rps_minus1", max: Self.maxDeltaMinus1) + 1)
        let deltaRps = sign ? -magnitude : magnitude
        // Flags j = 0…NumDeltaPocs[ RefRpsIdx ]: the reference's S0 entries, its S1 entries,
        // then the reference picture itself.
        var used: [Bool] = []
        var useDelta: [Bool] = []
        for _ in 0...reference.count {
            let usedByCurrent = try bits.readFlag()
            used.append(usedByCurrent)
            useDelta.append(usedByCurrent ? true : try bits.readFlag())
        }
        let negativeCount = reference.negative.count
        let itself = reference.count

        // Equation 7-61: S0, nearest first.
        for j in reference.positive.indices.reversed() {
            let poc = reference.positive[j] + deltaRps
            if poc < 0 && useDelta[negativeCount + j] { append(negative: poc, used: used[negativeCount + j]) }
        }
        if deltaRps < 0 && useDelta[itself] { append(negative: deltaRps, used: used[itself]) }
        for j in reference.negative.indices {
            let poc = reference.negative[j] + deltaRps
            if poc < 0 && useDelta[j] { append(negative: poc, used: used[j]) }
        }
        // Equation 7-62: S1, nearest first.
        for j in reference.negative.indices.reversed() {
            let poc = reference.negative[j] + deltaRps
            if poc > 0 && useDelta[j] { append(positive: poc, used: used[j]) }
        }
        if deltaRps > 0 && useDelta[itself] { append(positive: deltaRps, used: used[itself]) }
        for j in reference.positive.indices {
            let poc = reference.positive[j] + deltaRps
            if poc > 0 && useDelta[negativeCount + j] { append(positive: poc, used: used[negativeCount + j]) }
        }
        // Each set adds at most one picture to the one it predicts from, and an SPS holds at most
        // `HEVCSPS.maxShortTermRefPicSets`, so the differences stay far inside Int32.
    }

    private mutating func append(negative poc: Int32, used: Bool) {
        negative.append(poc)
        usedByCurrentPictureNegative.append(used)
    }

    private mutating func append(positive poc: Int32, used: Bool) {
        positive.append(poc)
        usedByCurrentPicturePositive.append(used)
    }

    private static func readUE(_ bits: inout BitReader, _ name: String, max: Int) throws -> Int {
        let value = Int(try bits.readUE())
        guard value <= max else {
            throw SegmenterError(.invalidValue, "HEVC st_ref_pic_set \(name) is \(value); at most \(max) is allowed")
        }
        return value
    }
}
