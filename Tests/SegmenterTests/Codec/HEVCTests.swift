import TestSupport
import Testing

@testable import Segmenter

/// Parameter sets libx265 (Debian's ffmpeg 5.1) writes, with what ffprobe reports for each
/// stream (profile, level, width, height) and the CODECS string ISO/IEC 14496-15 Annex E gives.
struct HEVCStream: Sendable, CustomTestStringConvertible {
    var name: String
    var vps: String
    var sps: String
    var pps: String
    var profileIdc: UInt8
    var levelIdc: UInt8
    var chromaFormat: UInt8
    var bitDepthLumaMinus8: UInt8
    var width: Int
    var height: Int
    var codecs: String

    var testDescription: String { name }

    static let all = [
        HEVCStream(
            name: "Main 320x180 (conformance window)", vps: "40010c01ffff01600000030090000003000003003c959409",
            sps: "42010101600000030090000003000003003ca00a080c1f3e595952930bc05a020000030002000003003c10", pps: "4401c073c189",
            profileIdc: 1, levelIdc: 60, chromaFormat: 1, bitDepthLumaMinus8: 0, width: 320, height: 180, codecs: "hvc1.1.6.L60.90"),
        HEVCStream(
            name: "Main 10 640x360", vps: "40010c01ffff02200000030090000003000003003f959409",
            sps: "42010102200000030090000003000003003fa005020171f2b6595952930bc05a020000030002000003003210", pps: "4401c073c189",
            profileIdc: 2, levelIdc: 63, chromaFormat: 1, bitDepthLumaMinus8: 2, width: 640, height: 360, codecs: "hvc1.2.4.L63.90"),
        HEVCStream(
            name: "RExt 4:4:4 176x144", vps: "40010c01ffff0408000003009e0800000300003c959409",
            sps: "4201010408000003009e0800000300003c9002c4048b2caca94985e02d010000030001000003001908", pps: "4401c07318301890",
            profileIdc: 4, levelIdc: 60, chromaFormat: 3, bitDepthLumaMinus8: 0, width: 176, height: 144, codecs: "hvc1.4.10.L60.9E.8"),
    ]
}

@Suite struct HEVCTests {
    @Test func nalUnitHeader() throws {
        let vps = try #require(HEVCNALUnitHeader([0x40, 0x01]))
        #expect(vps == HEVCNALUnitHeader(type: 32, layerID: 0, temporalID: 0))
        #expect(vps.knownType == .vps)
        let header = HEVCNALUnitHeader(type: 21, layerID: 35, temporalID: 5)
        #expect(HEVCNALUnitHeader(header.bytes) == header)
        #expect(HEVCNALUnitHeader([0x40]) == nil)  // one byte
        #expect(HEVCNALUnitHeader([0xc0, 0x01]) == nil)  // forbidden_zero_bit
        #expect(HEVCNALUnitHeader([0x40, 0x00]) == nil)  // nuh_temporal_id_plus1 = 0
        #expect((16...23).allSatisfy(HEVCNALUnitType.isIRAP))
        #expect(![0, 1, 9, 15, 24, 32, 39].contains(where: HEVCNALUnitType.isIRAP))
    }

    @Test(arguments: HEVCStream.all)
    func spsMatchesFFprobe(stream: HEVCStream) throws {
        let sps = try HEVCSPS.parse(hex(stream.sps))
        #expect(sps.profileTierLevel.profileIdc == stream.profileIdc)
        #expect(sps.profileTierLevel.levelIdc == stream.levelIdc)
        #expect(sps.profileTierLevel.tierFlag == false)
        #expect(sps.chromaFormatIdc == stream.chromaFormat)
        #expect(sps.bitDepthLumaMinus8 == stream.bitDepthLumaMinus8)
        #expect(sps.width == stream.width && sps.height == stream.height)
        #expect(sps.maxSubLayers == 1 && sps.temporalIDNesting)
        #expect(sps.log2MaxPicOrderCntLsb == 8 && sps.maxNumReorderPics == 2)
    }

    @Test func conformanceWindowCropsInChromaUnits() throws {
        let sps = try HEVCSPS.parse(hex(HEVCStream.all[0].sps))
        #expect(sps.codedWidth == 320 && sps.codedHeight == 192)
        #expect(sps.cropBottom == 12 && sps.cropTop == 0 && sps.cropLeft == 0 && sps.cropRight == 0)
    }

    @Test(arguments: HEVCStream.all)
    func recordFromInBandParameterSets(stream: HEVCStream) throws {
        let (vps, sps, pps) = (hex(stream.vps), hex(stream.sps), hex(stream.pps))
        let record = try HEVCDecoderConfigurationRecord(vps: [vps], sps: [sps], pps: [pps])
        #expect(record.codecsString == stream.codecs)
        #expect(record.chromaFormat == stream.chromaFormat && record.bitDepthLumaMinus8 == stream.bitDepthLumaMinus8)
        #expect(record.nalLengthSize == 4 && record.numTemporalLayers == 1 && record.temporalIDNested)
        #expect(record.videoParameterSets == [vps] && record.sequenceParameterSets == [sps] && record.pictureParameterSets == [pps])
        #expect(record.arrays.allSatisfy { $0.complete })
        let bytes = record.serialized()
        let parsed = try HEVCDecoderConfigurationRecord(parsing: bytes)
        #expect(parsed == record)
        #expect(parsed.serialized() == bytes)
        #expect(try parsed.parsedSPS().width == stream.width)
    }

    @Test func recordLayoutByHand() throws {
        let stream = HEVCStream.all[0]
        let record = try HEVCDecoderConfigurationRecord(vps: [hex(stream.vps)], sps: [hex(stream.sps)], pps: [hex(stream.pps)])
        let expected =
            "01 01 60000000 900000000000 3c f000 fc fd f8 f8 0000 0f 03"
            + " a0 0001 0018 \(stream.vps) a1 0001 002b \(stream.sps) a2 0001 0006 \(stream.pps)"
        #expect(hexString(record.serialized()) == hexString(hex(expected)))
    }

    @Test func codecsStringFields() {
        func ptl(space: UInt8 = 0, high: Bool = false, idc: UInt8, compat: UInt32, constraints: UInt64, level: UInt8) -> String {
            HEVCProfileTierLevel(
                profileSpace: space, tierFlag: high, profileIdc: idc, compatibilityFlags: compat,
                constraintIndicatorFlags: constraints, levelIdc: level
            ).codecsFields
        }
        // Annex E's example: Main, flags 1 and 2, Main tier level 3.1, progressive + non-packed + frame-only.
        #expect(ptl(idc: 1, compat: 0x6000_0000, constraints: 0xb000_0000_0000, level: 93) == "1.6.L93.B0")
        #expect(
            ptl(space: 1, high: true, idc: 4, compat: 0x8200_0000, constraints: 0xb000_0000_0023, level: 120) == "A4.41.H120.B0.0.0.0.0.23")
        #expect(ptl(idc: 2, compat: 0x2000_0000, constraints: 0, level: 153) == "2.4.L153")
        #expect(ptl(space: 3, idc: 1, compat: 0, constraints: 0, level: 30) == "C1.0.L30")
    }

    @Test func recordRejectsBadInput() throws {
        let stream = HEVCStream.all[0]
        let good = try HEVCDecoderConfigurationRecord(vps: [hex(stream.vps)], sps: [hex(stream.sps)], pps: [hex(stream.pps)])
            .serialized()
        // Every proper prefix ends before the record does.
        for length in 0..<good.count {
            #expect(throws: SegmenterError.self) { try HEVCDecoderConfigurationRecord(parsing: good.prefix(length)) }
        }
        var version2 = good
        version2[0] = 2
        #expect(code { try HEVCDecoderConfigurationRecord(parsing: version2) } == .unsupported)
        var lengthSize3 = good
        lengthSize3[21] = 0x0e
        #expect(code { try HEVCDecoderConfigurationRecord(parsing: lengthSize3) } == .invalidValue)
        var wrongType = good
        wrongType[23] = 0xa1  // the VPS array claims to hold SPSs
        #expect(code { try HEVCDecoderConfigurationRecord(parsing: wrongType) } == .invalidValue)
        var tooMany = good
        tooMany[24] = 0xff  // 0xff01 VPSs
        #expect(code { try HEVCDecoderConfigurationRecord(parsing: tooMany) } == .limitExceeded)
        #expect(code { try HEVCDecoderConfigurationRecord(vps: [], sps: [hex(stream.sps)], pps: [hex(stream.pps)]) } == .invalidValue)
    }

    @Test func spsRejectsBadInput() throws {
        let sps = hex(HEVCStream.all[0].sps)
        for length in 0..<15 {  // within profile_tier_level
            #expect(throws: SegmenterError.self) { try HEVCSPS.parse(sps.prefix(length)) }
        }
        #expect(code { try HEVCSPS.parse(hex(HEVCStream.all[0].pps)) } == .invalidValue)
        #expect(code { try HEVCSPS.parse([UInt8](repeating: 0x42, count: CodecLimits.maxParameterSetSize + 1)) } == .limitExceeded)
        // pic_width_in_luma_samples = 2^20 − 1: past the largest level's dimension.
        var bits = CodecTestBitWriter()
        bits.hevcSPSStart(width: (1 << 20) - 2, height: 180)  // a width past the largest level's dimension
        bits.flag(false)
        bits.ue(0)
        bits.ue(0)
        bits.trailingBits()
        #expect(code { try HEVCSPS.parse([0x42, 0x01] + codecAddEmulationPrevention(bits.bytes)) } == .limitExceeded)
    }

    @Test func accessUnitTakesParameterSetsOut() throws {
        let stream = HEVCStream.all[0]
        let aud: [UInt8] = [0x46, 0x01, 0x50]
        let sei: [UInt8] = [0x4e, 0x01, 0x05, 0x01, 0x00, 0x80]
        let idr: [UInt8] = [0x28, 0x01, 0xac, 0x21]
        func prefixed(_ units: [[UInt8]]) -> [UInt8] {
            units.flatMap { [0, 0, UInt8($0.count >> 8), UInt8($0.count & 0xff)] + $0 }
        }
        let data = prefixed([aud, hex(stream.vps), hex(stream.sps), hex(stream.pps), sei, idr])
        let unit = try HEVCAccessUnit(lengthPrefixed: data)
        #expect(unit.containsIRAP)
        #expect(unit.nalUnitTypes == [35, 32, 33, 34, 39, 20])
        #expect(unit.withoutParameterSets == prefixed([aud, sei, idr]))
        let record = try HEVCDecoderConfigurationRecord(
            vps: unit.videoParameterSets, sps: unit.sequenceParameterSets, pps: unit.pictureParameterSets)
        #expect(unit.parameterSetsMatch(record))
        let other = try HEVCDecoderConfigurationRecord(
            vps: [hex(HEVCStream.all[1].vps)], sps: [hex(HEVCStream.all[1].sps)], pps: [hex(HEVCStream.all[1].pps)])
        #expect(!unit.parameterSetsMatch(other))
        // An hvcC made from MPEG-TS extradata may keep a trailing zero byte after a parameter set.
        var padded = record
        padded.arrays[2].units[0] += [0]
        #expect(unit.parameterSetsMatch(padded))
        let trail = try HEVCAccessUnit(lengthPrefixed: prefixed([[0x02, 0x01, 0xd0]]))
        #expect(!trail.containsIRAP && !trail.hasParameterSets)
        #expect(trail.withoutParameterSets == trail.lengthPrefixed)
        #expect(throws: SegmenterError.self) { try HEVCAccessUnit(lengthPrefixed: Array(data.dropLast())) }
    }

    @Test func pictureOrderGivesOutputIndexes() throws {
        let stream = HEVCStream.all[0]
        func prefixed(_ units: [[UInt8]]) -> [UInt8] {
            units.flatMap { [0, 0, UInt8($0.count >> 8), UInt8($0.count & 0xff)] + $0 }
        }
        /// The first slice of a picture: nal_unit_type `type`, PPS 0, slice_pic_order_cnt_lsb `lsb` (8 bits) unless IDR.
        func slice(type: UInt8, lsb: UInt64) -> [UInt8] {
            var bits = CodecTestBitWriter()
            bits.flag(true)  // first_slice_segment_in_pic_flag
            if (16...23).contains(type) { bits.flag(false) }  // no_output_of_prior_pics_flag
            bits.ue(0)  // slice_pic_parameter_set_id
            bits.ue(1)  // slice_type P
            if type != 19 && type != 20 { bits.bits(lsb, 8) }
            bits.bits(0xff, 8)  // the rest of the header
            bits.trailingBits()
            return HEVCNALUnitHeader(type: type, layerID: 0, temporalID: 0).bytes + bits.bytes
        }
        var order = HEVCPictureOrder()
        let parameterSets = [hex(stream.vps), hex(stream.sps), hex(stream.pps)]
        // Decoding order IDR, P, B, b, b, then IDR, then a CRA that continues the count: output order 0 4 2 1 3, 5, then 6 + 2.
        let pictures: [(type: UInt8, lsb: UInt64)] = [(20, 0), (1, 4), (1, 2), (0, 1), (0, 3), (19, 0), (21, 2), (1, 1)]
        var indexes: [Int?] = []
        for (position, picture) in pictures.enumerated() {
            let units = (position == 0 ? parameterSets : []) + [slice(type: picture.type, lsb: picture.lsb)]
            indexes.append(try order.outputIndex(of: HEVCAccessUnit(lengthPrefixed: prefixed(units))))
        }
        #expect(indexes == [0, 4, 2, 1, 3, 5, 7, 6])
        #expect(order.maxNumReorderPics == 2)
        // A slice whose PPS was never seen has no order.
        var fresh = HEVCPictureOrder()
        #expect(try fresh.outputIndex(of: HEVCAccessUnit(lengthPrefixed: prefixed([slice(type: 20, lsb: 0)]))) == nil)
    }

    @Test func sampleEntryFormatRoundTrip() throws {
        let stream = HEVCStream.all[0]
        let record = try HEVCDecoderConfigurationRecord(vps: [hex(stream.vps)], sps: [hex(stream.sps)], pps: [hex(stream.pps)])
        let format = TrackFormat.video(codec: .hevc(record), width: 320, height: 180, timescale: 15360)
        #expect(format.codecs == "hvc1.1.6.L60.90")
        let entry = SampleEntry(format: format)
        var writer = ByteWriter()
        entry.write(into: &writer)
        let box = try #require(try RawBox.sequence(in: writer.bytes[...]).first)
        #expect(box.type == "hvc1")
        #expect(try SampleEntry(parsing: box).format(timescale: 15360) == format)
    }

    private func code<T>(_ body: () throws -> T) -> SegmenterError.Code? {
        do {
            _ = try body()
            return nil
        } catch let error as SegmenterError {
            return error.code
        } catch {
            return nil
        }
    }
}
