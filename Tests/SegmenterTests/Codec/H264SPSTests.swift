import TestSupport
import Testing

@testable import Segmenter

@Suite struct H264SPSTests {
    @Test(arguments: CodecFixtures.h264Streams)
    func x264Fixtures(stream: CodecFixtures.H264Stream) throws {
        let sps = try H264SPS.parse(hex(stream.sps))
        #expect(sps.profileIdc == stream.profile)
        #expect(sps.constraintFlags == stream.compatibility)
        #expect(sps.levelIdc == stream.level)
        #expect(sps.seqParameterSetID == 0)
        #expect(sps.width == stream.width)
        #expect(sps.height == stream.height)
        #expect(sps.chromaFormatIdc == stream.chromaFormat)
        #expect(sps.bitDepthLumaMinus8 == stream.bitDepthLumaMinus8)
        #expect(sps.bitDepthChromaMinus8 == stream.bitDepthLumaMinus8)
        #expect(sps.frameMbsOnly == stream.frameMbsOnly)
    }

    @Test func codedSizeAndCropping() throws {
        let hd = try H264SPS.parse(hex(CodecFixtures.h264Streams[0].sps))
        #expect(hd.picWidthInMbs == 120 && hd.frameHeightInMbs == 68)
        #expect(hd.cropBottom == 8 && hd.cropTop == 0 && hd.cropLeft == 0 && hd.cropRight == 0)
        #expect(hd.picOrderCntType == 0)
        let baseline = try H264SPS.parse(hex(CodecFixtures.h264Streams[1].sps))
        #expect(baseline.picOrderCntType == 2)
        let wide = try H264SPS.parse(hex(CodecFixtures.h264Streams[2].sps))
        #expect(wide.picWidthInMbs == 54 && wide.cropRight == 10)
        let interlaced = try H264SPS.parse(hex(CodecFixtures.h264Streams[6].sps))
        #expect(interlaced.frameHeightInMbs == 36)
    }

    /// x264 writes a VUI with aspect ratio and timing (`-vf setsar=…`).
    @Test func vuiAspectRatioAndTiming() throws {
        // 720x576 main, SAR 16:15 (Extended_SAR), 25 fps.
        let pal = try H264SPS.parse(hex("674d401eeca05a0937fe0020001e20000003002000000641e2c5b2c0"))
        #expect(pal.width == 720 && pal.height == 576)
        #expect(pal.sampleAspectRatio?.width == 16 && pal.sampleAspectRatio?.height == 15)
        #expect(pal.timing == H264SPS.Timing(numUnitsInTick: 1, timeScale: 50, fixedFrameRate: false))
        // 352x288 baseline, SAR 12:11 (aspect_ratio_idc 2).
        let cif = try H264SPS.parse(hex("6742c00dd9016096c084000003000400000300c83c50a920"))
        #expect(cif.width == 352 && cif.height == 288)
        #expect(cif.sampleAspectRatio?.width == 12 && cif.sampleAspectRatio?.height == 11)
        // FFmpeg hands x264 a 1:1 SAR, which it signals (aspect_ratio_idc 1).
        let square = try H264SPS.parse(hex(CodecFixtures.h264Streams[0].sps))
        #expect(square.sampleAspectRatio?.width == 1 && square.sampleAspectRatio?.height == 1)
        #expect(try H264SPS.parse(Synthetic().nal()).sampleAspectRatio == nil)
        #expect(try H264SPS.parse(Synthetic().nal()).timing == nil)
    }

    // MARK: Synthetic SPSs for syntax x264 does not produce

    struct Synthetic {
        var profile: UInt8 = 100
        var spsID: UInt64 = 0
        var chromaFormat: UInt64 = 1
        var separatePlanes = false
        var bitDepthLuma: UInt64 = 0
        var scalingLists: [Int: [Int64]] = [:]  // list index → delta_scale values
        var scalingMatrixPresent = false
        var pocType: UInt64 = 0
        var pocCycle: [Int64] = []
        var widthMbs: UInt64 = 20
        var heightMapUnits: UInt64 = 15
        var frameMbsOnly = true
        var crop: (UInt64, UInt64, UInt64, UInt64)?
        var constraintFlags: UInt64 = 0

        func nal() -> [UInt8] { [0x67] + codecAddEmulationPrevention(rbsp()) }

        func rbsp() -> [UInt8] {
            var w = CodecTestBitWriter()
            w.bits(UInt64(profile), 8)
            w.bits(constraintFlags, 8)
            w.bits(40, 8)
            w.ue(spsID)
            if H264SPS.profilesWithChromaInfo.contains(profile) {
                w.ue(chromaFormat)
                if chromaFormat == 3 { w.flag(separatePlanes) }
                w.ue(bitDepthLuma)
                w.ue(bitDepthLuma)
                w.flag(false)
                w.flag(scalingMatrixPresent)
                if scalingMatrixPresent {
                    for list in 0..<(chromaFormat != 3 ? 8 : 12) {
                        let deltas = scalingLists[list]
                        w.flag(deltas != nil)
                        for delta in deltas ?? [] { w.se(delta) }
                    }
                }
            }
            w.ue(0)  // log2_max_frame_num_minus4
            w.ue(pocType)
            if pocType == 0 { w.ue(2) }
            if pocType == 1 {
                w.flag(false)
                w.se(-3)
                w.se(5)
                w.ue(UInt64(pocCycle.count))
                for offset in pocCycle { w.se(offset) }
            }
            w.ue(4)  // max_num_ref_frames
            w.flag(false)
            w.ue(widthMbs - 1)
            w.ue(heightMapUnits - 1)
            w.flag(frameMbsOnly)
            if !frameMbsOnly { w.flag(true) }
            w.flag(true)
            w.flag(crop != nil)
            if let crop { for value in [crop.0, crop.1, crop.2, crop.3] { w.ue(value) } }
            w.flag(false)  // no VUI
            w.trailingBits()
            return w.bytes
        }
    }

    @Test func scalingListsAreSkipped() throws {
        // A full 16-entry list, one ended early by nextScale 0 (delta −8 from 8), a full 64-entry list.
        var synthetic = Synthetic(scalingMatrixPresent: true, widthMbs: 80, heightMapUnits: 45)
        synthetic.scalingLists = [
            0: (0..<16).map { Int64($0 % 5) - 2 },
            3: [-8],
            6: (0..<64).map { $0 == 0 ? 8 : 1 },
            7: [120, -120, 127, -128, -7],
        ]
        let sps = try H264SPS.parse(synthetic.nal())
        #expect(sps.width == 1280 && sps.height == 720)
        #expect(sps.maxNumRefFrames == 4)
    }

    @Test func twelveScalingListsFor444() throws {
        var synthetic = Synthetic(profile: 244, chromaFormat: 3, scalingMatrixPresent: true)
        synthetic.scalingLists = [10: (0..<64).map { _ in 1 }, 11: [-8]]
        synthetic.crop = (1, 2, 3, 4)  // 4:4:4: crop units are single samples
        let sps = try H264SPS.parse(synthetic.nal())
        #expect(sps.chromaFormatIdc == 3)
        #expect(sps.width == 320 - 3 && sps.height == 240 - 7)
    }

    @Test func scalingDeltaOutOfRange() {
        var synthetic = Synthetic(scalingMatrixPresent: true)
        synthetic.scalingLists = [0: [128]]
        #expect(segmenterErrorCode { _ = try H264SPS.parse(synthetic.nal()) } == .invalidValue)
    }

    @Test func pictureOrderCountTypes() throws {
        for pocType: UInt64 in 0...2 {
            let sps = try H264SPS.parse(Synthetic(pocType: pocType, pocCycle: [1, -1, 7]).nal())
            #expect(sps.picOrderCntType == Int(pocType))
            #expect(sps.width == 320 && sps.height == 240)
        }
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(pocType: 3).nal()) } == .invalidValue)
    }

    @Test func cropUnitsFollowChromaFormatAndFieldCoding() throws {
        // 4:2:0 progressive: 2 × 2.
        #expect(try H264SPS.parse(Synthetic(crop: (1, 1, 1, 1)).nal()).width == 320 - 4)
        #expect(try H264SPS.parse(Synthetic(crop: (1, 1, 1, 1)).nal()).height == 240 - 4)
        // 4:2:2 interlaced: 2 across, 1 × 2 down.
        let interlaced422 = try H264SPS.parse(Synthetic(profile: 122, chromaFormat: 2, frameMbsOnly: false, crop: (0, 3, 0, 4)).nal())
        #expect(interlaced422.width == 320 - 6)
        #expect(interlaced422.height == 480 - 8)
        // Monochrome: luma samples across, 1 down (2 when interlaced).
        let mono = try H264SPS.parse(Synthetic(profile: 100, chromaFormat: 0, frameMbsOnly: false, crop: (3, 0, 0, 1)).nal())
        #expect(mono.width == 317 && mono.height == 478)
        // Separate colour planes count as ChromaArrayType 0.
        let planes = try H264SPS.parse(Synthetic(profile: 244, chromaFormat: 3, separatePlanes: true, crop: (1, 0, 0, 1)).nal())
        #expect(planes.separateColourPlane)
        #expect(planes.width == 319 && planes.height == 239)
        // Cropping everything away is invalid.
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(crop: (80, 80, 0, 0)).nal()) } == .invalidValue)
    }

    @Test func limitsAndBadHeaders() {
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(spsID: 32).nal()) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(profile: 100, chromaFormat: 4).nal()) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(widthMbs: 1056).nal()) } == .limitExceeded)
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(widthMbs: 1000, heightMapUnits: 1000).nal()) } == .limitExceeded)
        #expect(segmenterErrorCode { _ = try H264SPS.parse(Synthetic(heightMapUnits: 600, frameMbsOnly: false).nal()) } == .limitExceeded)
        #expect(segmenterErrorCode { _ = try H264SPS.parse([UInt8]()) } == .truncated)
        #expect(segmenterErrorCode { _ = try H264SPS.parse(hex("68ebe3cb22c0")) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try H264SPS.parse(hex("e7640028")) } == .invalidValue)
        #expect(
            segmenterErrorCode { _ = try H264SPS.parse([0x67] + [UInt8](repeating: 0xff, count: CodecLimits.maxParameterSetSize)) }
                == .limitExceeded)
    }

    @Test func emulationPreventionInsideTheSPS() throws {
        // se(32768) is 16 zeros, a one, 16 zeros: two in a row make a run of 32 zero bits, so the
        // RBSP holds three zero bytes and the NAL unit needs an emulation-prevention byte.
        let synthetic = Synthetic(pocType: 1, pocCycle: [32768, 32768, 1])
        let nal = synthetic.nal()
        #expect(nal.count > 1 + synthetic.rbsp().count)
        let sps = try H264SPS.parse(nal)
        #expect(sps.width == 320 && sps.height == 240)
        #expect(sps.picOrderCntType == 1)
    }
}
