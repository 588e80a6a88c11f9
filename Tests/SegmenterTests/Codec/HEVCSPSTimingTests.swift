import TestSupport
import Testing

@testable import Segmenter

/// SPSs libx265 wrote (Debian's ffmpeg 5.1, libx265 3.5), with the rate ffprobe reports for
/// the stream (`-show_entries stream=r_frame_rate`). Each was made with
///
///     ffmpeg -f lavfi -i testsrc2=size=320x180:rate=<rate> -frames:v 20 [-pix_fmt …] \
///       -c:v libx265 -x265-params log-level=error:<params> -f hevc clip.hevc
///
/// and its SPS NAL unit (type 33) copied out of the Annex-B file.
struct HEVCTimingStream: Sendable, CustomTestStringConvertible {
    var name: String
    var sps: String
    /// vui_num_units_in_tick and vui_time_scale; `nil` when the SPS has no timing.
    var timing: (numUnitsInTick: UInt32, timeScale: UInt32)?
    /// ffprobe's r_frame_rate.
    var frameRate: (Int64, Int64)

    var testDescription: String { name }

    static let all = [
        // rate 25, default parameters (B-frames, keyint 250).
        HEVCTimingStream(
            name: "25 fps", sps: "42010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300c840",
            timing: (1, 25), frameRate: (25, 1)),
        // rate 30000/1001, keyint=30:bframes=0.
        HEVCTimingStream(
            name: "29.97 fps, no B-frames, keyint 30",
            sps: "42010101600000030090000003000003003ca00a080b9f7964a924caf01680800001f480003a9804",
            timing: (1001, 30000), frameRate: (30000, 1001)),
        // rate 50, -pix_fmt yuv420p10le, bframes=4:keyint=25.
        HEVCTimingStream(
            name: "50 fps Main 10, 4 B-frames, keyint 25",
            sps: "42010102200000030090000003000003003ca00a080b9f6d96566924caf0168080000003008000001904",
            timing: (1, 50), frameRate: (50, 1)),
        // rate 12, keyint=5:min-keyint=5:bframes=7:ref=6:open-gop=0 (more short-term RPSs).
        HEVCTimingStream(
            name: "12 fps, 7 B-frames, keyint 5",
            sps: "42010101600000030090000003000003003ca00a080b9f79676264932bc05a020000030002000003001810",
            timing: (1, 12), frameRate: (12, 1)),
        // rate 60, temporal-layers=1:b-pyramid=1:bframes=3:ref=4 (two sub-layers).
        HEVCTimingStream(
            name: "60 fps, two temporal sub-layers",
            sps: "42010201600000030090000003000003003c0000a00a080b9f7965652b2c9265780b4040000003004000000f02",
            timing: (1, 60), frameRate: (60, 1)),
        // rate 24, sar=2:overscan=show:videoformat=pal:range=full:colorprim=bt709:transfer=bt709:
        // colormatrix=bt709:chromaloc=1:display-window=2,0,2,0:hrd=1:vbv-bufsize=1000:
        // vbv-maxrate=1000:scaling-list=default: every VUI field before the timing.
        HEVCTimingStream(
            name: "24 fps, full VUI",
            sps:
                "42010101600000030090000003000003003ca00a080b9f796566924e578153808080d216f8000003000800000300c300a4b2f0007a12000f4244",
            timing: (1, 24), frameRate: (24, 1)),
        // rate 30, scaling-list=<a file of custom lists>: scaling_list_data( ) with coefficients.
        HEVCTimingStream(
            name: "30 fps, custom scaling lists",
            sps:
                "42010101600000030090000003000003003ca00a080b9f796566924f820204428111411142822282228e28904c17147142822282228504451c51084328280999182a160a98c2cc63054518c15318815318c60ab318c15318ccc15318c15218c60a985182a630b318c50a9918442820c82a6298c61663054c28c15318c17318c60a9998c15318c6615318c15310c60a98c282a6318598c15298c8c13210ca183080aa318a630542015318c11318c15310c60a98c6660a98c60a9998c60a98c40a98c63044c60a982015318a6320a88860604cc8c62982a6166318c113182a6310c15318c150c054c63054c6663054c6305cc63182a28c15318598c62982a8c208432860604cc8c62982a6166318c113182a6310c15318c150c054c63054c6663054c6305cc63182a28c15318598c62982a8c2095e02d010000003001000000301e080",
            timing: (1, 30), frameRate: (30, 1)),
        // rate 25, vui-timing-info=0: a VUI without timing (ffprobe falls back to 25).
        HEVCTimingStream(
            name: "no VUI timing", sps: "42010101600000030090000003000003003ca00a080b9f796566924caf01680080", timing: nil,
            frameRate: (25, 1)),
    ]
}

@Suite struct HEVCSPSTimingTests {
    @Test(arguments: HEVCTimingStream.all)
    func timingMatchesFFprobe(stream: HEVCTimingStream) throws {
        let sps = try HEVCSPS.parse(hex(stream.sps))
        #expect(sps.width == 320 && sps.height == 180)
        guard let expected = stream.timing else {
            #expect(sps.timing == nil)
            return
        }
        let timing = try #require(sps.timing)
        #expect(timing == .hevc(numUnitsInTick: expected.numUnitsInTick, timeScale: expected.timeScale))
        #expect(timing.ticksPerPicture == 1 && !timing.fixedFrameRate)
        let rate = timing.picturesPerSecond
        #expect(rate.numerator * stream.frameRate.1 == rate.denominator * stream.frameRate.0)
    }

    /// The SPSs of the other HEVC tests carry timing too (libx265 writes it by default).
    @Test(arguments: HEVCStream.all)
    func otherFixturesHaveTiming(stream: HEVCStream) throws {
        let timing = try #require(try HEVCSPS.parse(hex(stream.sps)).timing)
        #expect(timing.numUnitsInTick > 0 && timing.timeScale > 0)
    }

    /// Every prefix of a real SPS either fails within the fields packaging needs or parses
    /// with those fields intact and the timing either absent (cut before or inside it) or
    /// right: a cut tail never fails the SPS and never gives a wrong rate.
    @Test func cutTailLeavesTimingUnknown() throws {
        for stream in HEVCTimingStream.all {
            let bytes = hex(stream.sps)
            let full = try HEVCSPS.parse(bytes)
            var parsedWithoutTiming = 0
            for length in 0..<bytes.count {
                guard let cut = try? HEVCSPS.parse(bytes.prefix(length)) else { continue }
                var basic = cut
                basic.timing = full.timing
                #expect(basic == full, "\(stream.name), \(length) bytes")
                #expect(cut.timing == nil || cut.timing == full.timing, "\(stream.name), \(length) bytes")
                if cut.timing == nil { parsedWithoutTiming += 1 }
            }
            #expect(parsedWithoutTiming > 0, "\(stream.name): some prefix ends inside the tail")
        }
    }

    /// libx265 always writes a VUI, so this SPS is hand-made (`synthetic(vui: false)`; FFmpeg's
    /// trace_headers reads vui_parameters_present_flag 0 from it).
    @Test func spsWithoutVUI() throws {
        let sps = try HEVCSPS.parse(Self.synthetic(vui: false))
        #expect(sps.width == 320 && sps.height == 180)
        #expect(sps.timing == nil)
    }

    /// A hand-made SPS with what libx265 never writes: inter-RPS-predicted short-term sets
    /// (§7.3.7), PCM, long-term pictures, and a VUI whose every optional part is present. A
    /// wrong count of RPS flags would misplace every field after them. FFmpeg reads the same
    /// fields from it (its SPS in place of libx265's in a raw `.hevc`, through
    /// `ffmpeg -i clip.hevc -c copy -bsf:v trace_headers -f null -`): four flags each for sets
    /// 1 and 2, four pairs for set 3, then timing 1001 / 60000.
    @Test func predictedReferenceSetsAndFullVUI() throws {
        let sps = try HEVCSPS.parse(Self.synthetic(vui: true))
        #expect(sps.maxNumReorderPics == 2)
        #expect(sps.timing == .hevc(numUnitsInTick: 1001, timeScale: 60_000))
        let rate = try #require(sps.timing).picturesPerSecond
        #expect(rate.numerator == 60_000 && rate.denominator == 1001)
    }

    /// The derivation of Equations 7-61 and 7-62 on the sets `synthetic` writes.
    @Test func predictedSetsFollowTheDerivation() throws {
        var bits = BitReader(Self.referencePictureSets().bytes)
        var sets: [HEVCShortTermRefPicSet] = []
        for index in 0..<4 {
            sets.append(try HEVCShortTermRefPicSet(reading: &bits, index: index, previous: sets, maxDecPicBufferingMinus1: 4))
        }
        #expect(sets[0].negative == [-1, -3] && sets[0].positive == [2])
        // From set 0 with deltaRps −1: −3 − 1 dropped (use_delta_flag 0), 2 − 1 = 1 kept unused.
        #expect(sets[1].negative == [-1, -2] && sets[1].usedByCurrentPictureNegative == [true, true])
        #expect(sets[1].positive == [1] && sets[1].usedByCurrentPicturePositive == [false])
        // From set 1 with deltaRps +2: −2 + 2 = 0 is no reference picture.
        #expect(sets[2].negative.isEmpty && sets[2].positive == [1, 2, 3])
        // From set 2 with deltaRps −4, every use_delta_flag 0: empty.
        #expect(sets[3].count == 0)
        #expect(bits.bitsRemaining < 8)  // only the trailing bits left: every flag was read
    }

    /// Seeded random bytes in the SPSs (the real ones and the hand-made one): parsed or
    /// refused, never a crash.
    @Test func randomBytesNeverCrash() {
        var state: UInt64 = 11
        for sps in HEVCTimingStream.all.map({ hex($0.sps) }) + [Self.synthetic(vui: true)] {
            for _ in 0..<500 {
                var bytes = sps
                for _ in 0..<3 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes[2 + Int(state >> 33) % (bytes.count - 2)] = UInt8(truncatingIfNeeded: state >> 13)
                }
                _ = try? HEVCSPS.parse(bytes)
            }
        }
    }

    @Test func malformedTailLeavesTimingUnknown() throws {
        // num_short_term_ref_pic_sets 65: one more than §7.4.3.2.1 allows.
        let sps = try HEVCSPS.parse(Self.synthetic(vui: true, shortTermSetCount: 65))
        #expect(sps.width == 320 && sps.timing == nil)
        // A scaling_list_delta_coef out of range.
        let scaled = try HEVCSPS.parse(Self.synthetic(vui: true, badScalingList: true))
        #expect(scaled.height == 180 && scaled.timing == nil)
    }

    /// st_ref_pic_set( 0…3 ) as `predictedSetsFollowTheDerivation` expects them.
    static func referencePictureSets() -> CodecTestBitWriter {
        var bits = CodecTestBitWriter()
        writeReferencePictureSets(&bits)
        bits.trailingBits()
        return bits
    }

    private static func writeReferencePictureSets(_ bits: inout CodecTestBitWriter) {
        // Set 0, explicit: S0 = −1, −3 (both used), S1 = 2 (used).
        bits.ue(2)  // num_negative_pics
        bits.ue(1)  // num_positive_pics
        bits.ue(0)  // delta_poc_s0_minus1: −1
        bits.flag(true)
        bits.ue(1)  // −3
        bits.flag(true)
        bits.ue(1)  // delta_poc_s1_minus1: 2
        bits.flag(true)
        // Set 1, predicted from set 0 with deltaRps −1; flags for −1, −3, 2 and the picture itself.
        bits.flag(true)  // inter_ref_pic_set_prediction_flag
        bits.flag(true)  // delta_rps_sign
        bits.ue(0)  // abs_delta_rps_minus1
        bits.flag(true)  // −1 → −2, used
        bits.flag(false)  // −3 → −4, unused…
        bits.flag(false)  // …and dropped
        bits.flag(false)  // 2 → 1, unused…
        bits.flag(true)  // …and kept
        bits.flag(true)  // the reference picture itself: −1, used
        // Set 2, predicted from set 1 (S0 −1, −2; S1 1) with deltaRps +2; all four used.
        bits.flag(true)
        bits.flag(false)
        bits.ue(1)
        for _ in 0..<4 { bits.flag(true) }
        // Set 3, predicted from set 2 (three pictures) with deltaRps −4; none kept.
        bits.flag(true)
        bits.flag(true)
        bits.ue(3)
        for _ in 0..<4 {
            bits.flag(false)
            bits.flag(false)
        }
    }

    /// A 320×180 Main SPS. With `vui`: PCM, the four short-term sets above, two long-term
    /// pictures and a VUI with aspect ratio, overscan, signal type, chroma location, default
    /// display window and timing 1001 / 60000.
    static func synthetic(vui: Bool, shortTermSetCount: UInt64 = 4, badScalingList: Bool = false) -> [UInt8] {
        var bits = CodecTestBitWriter()
        bits.hevcSPSStart(width: 320, height: 184)
        bits.flag(true)  // conformance_window_flag
        for offset: UInt64 in [0, 0, 0, 2] { bits.ue(offset) }  // 4 rows off the bottom
        bits.ue(0)  // bit_depth_luma_minus8
        bits.ue(0)  // bit_depth_chroma_minus8
        bits.ue(4)  // log2_max_pic_order_cnt_lsb_minus4
        bits.flag(true)  // sps_sub_layer_ordering_info_present_flag
        bits.ue(4)  // sps_max_dec_pic_buffering_minus1
        bits.ue(2)  // sps_max_num_reorder_pics
        bits.ue(0)  // sps_max_latency_increase_plus1
        for size: UInt64 in [0, 3, 0, 3, 1, 1] { bits.ue(size) }  // block sizes and transform depths
        bits.flag(true)  // scaling_list_enabled_flag
        bits.flag(badScalingList)  // sps_scaling_list_data_present_flag
        if badScalingList {
            bits.flag(true)  // scaling_list_pred_mode_flag[ 0 ][ 0 ]
            bits.se(200)  // scaling_list_delta_coef: beyond 127
        }
        bits.flag(true)  // amp_enabled_flag
        bits.flag(true)  // sample_adaptive_offset_enabled_flag
        bits.flag(vui)  // pcm_enabled_flag
        if vui {
            bits.bits(0x77, 8)  // PCM bit depths
            bits.ue(0)
            bits.ue(1)
            bits.flag(false)  // pcm_loop_filter_disabled_flag
        }
        bits.ue(vui ? shortTermSetCount : 0)  // num_short_term_ref_pic_sets
        if vui && shortTermSetCount == 4 { writeReferencePictureSets(&bits) }
        bits.flag(vui)  // long_term_ref_pics_present_flag
        if vui {
            bits.ue(2)  // num_long_term_ref_pics_sps
            for lsb: UInt64 in [0xab, 0x03] {
                bits.bits(lsb, 8)  // lt_ref_pic_poc_lsb_sps: log2_max_pic_order_cnt_lsb bits
                bits.flag(true)
            }
        }
        bits.flag(true)  // sps_temporal_mvp_enabled_flag
        bits.flag(true)  // strong_intra_smoothing_enabled_flag
        bits.flag(vui)  // vui_parameters_present_flag
        if vui {
            bits.flag(true)  // aspect_ratio_info_present_flag
            bits.bits(255, 8)  // EXTENDED_SAR
            bits.bits(4, 16)
            bits.bits(3, 16)
            bits.flag(true)  // overscan_info_present_flag
            bits.flag(true)
            bits.flag(true)  // video_signal_type_present_flag
            bits.bits(0b0101, 4)
            bits.flag(true)  // colour_description_present_flag
            bits.bits(0x01_01_01, 24)
            bits.flag(true)  // chroma_loc_info_present_flag
            bits.ue(1)
            bits.ue(2)
            bits.bits(0b000, 3)  // neutral chroma, field_seq, frame_field_info
            bits.flag(true)  // default_display_window_flag
            for offset: UInt64 in [8, 8, 0, 4] { bits.ue(offset) }
            bits.flag(true)  // vui_timing_info_present_flag
            bits.bits(1001, 32)
            bits.bits(60_000, 32)
            bits.flag(false)  // vui_poc_proportional_to_timing_flag
            bits.flag(false)  // vui_hrd_parameters_present_flag
            bits.flag(false)  // bitstream_restriction_flag
        }
        bits.flag(false)  // sps_extension_present_flag
        bits.trailingBits()
        return [0x42, 0x01] + codecAddEmulationPrevention(bits.bytes)
    }
}
