import TestSupport
import Testing

@testable import Segmenter

@Suite struct AnnexBTests {
    @Test func splitsOnThreeAndFourByteStartCodes() {
        let stream = hex("00000001 6742 000001 68ce 00000001 6588 84 000001 4101")
        let (units, skipped) = AnnexB.nalUnits(in: stream)
        #expect(units.map(Array.init) == [[0x67, 0x42], [0x68, 0xce], [0x65, 0x88, 0x84], [0x41, 0x01]])
        #expect(skipped == 0)
    }

    @Test func leadingGarbageIsCountedLeadingZerosAreNot() {
        let garbage = hex("aabbcc 00000001 0901")
        #expect(AnnexB.nalUnits(in: garbage).skippedLeadingBytes == 3)
        #expect(AnnexB.nalUnits(in: garbage).units.map(Array.init) == [[0x09, 0x01]])
        let zeros = hex("0000 00000001 0901")
        #expect(AnnexB.nalUnits(in: zeros).skippedLeadingBytes == 0)
        let garbageThenZeros = hex("ff00 00 000001 0901")
        #expect(AnnexB.nalUnits(in: garbageThenZeros).skippedLeadingBytes == 1)
    }

    @Test func trailingZerosBelongToTheNextStartCode() {
        let stream = hex("000001 0910 0000 00000001 6500 00 0000")
        let units = AnnexB.nalUnits(in: stream).units.map(Array.init)
        #expect(units == [[0x09, 0x10], [0x65]])
    }

    @Test func noStartCodeEmptyUnitsAndEmptyInput() {
        #expect(AnnexB.nalUnits(in: []).units.isEmpty)
        #expect(AnnexB.nalUnits(in: []).skippedLeadingBytes == 0)
        let noStart = hex("0102030000")
        #expect(AnnexB.nalUnits(in: noStart).units.isEmpty)
        #expect(AnnexB.nalUnits(in: noStart).skippedLeadingBytes == 3)
        let empties = hex("000001 000001 00000001 0901 000001")
        #expect(AnnexB.nalUnits(in: empties).units.map(Array.init) == [[0x09, 0x01]])
    }

    @Test func startCodeSplitAcrossTheFastSkip() {
        // Start codes at every alignment relative to the scanner's three-byte stride.
        for padding in 0..<4 {
            let stream = [UInt8](repeating: 0x55, count: padding) + hex("000001 41aa 000001 41bb")
            let (units, skipped) = AnnexB.nalUnits(in: stream)
            #expect(units.map(Array.init) == [[0x41, 0xaa], [0x41, 0xbb]])
            #expect(skipped == padding)
        }
    }

    @Test func toLengthPrefixed() {
        let stream = hex("ee 00000001 0910 000001 6588 8400")
        #expect(AnnexB.toLengthPrefixed(stream) == hex("00000002 0910 00000003 658884"))
        #expect(AnnexB.toLengthPrefixed([]) == [])
    }

    @Test func removesEmulationPrevention() {
        #expect(AnnexB.removeEmulationPrevention(hex("000003 00 000003 01 000003 03")) == hex("0000 00 0000 01 0000 03"))
        // A 03 not after two zeros stays; after a removed 03 the zero count restarts.
        #expect(AnnexB.removeEmulationPrevention(hex("0003 00000300 03")) == hex("0003 000000 03"))
        #expect(AnnexB.removeEmulationPrevention(hex("67 000003")) == hex("67 0000"))
        #expect(AnnexB.removeEmulationPrevention([UInt8]()) == [])
        var rng = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let rbsp = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...4, using: &rng) }
            #expect(AnnexB.removeEmulationPrevention(codecAddEmulationPrevention(rbsp)) == rbsp)
        }
    }
}

@Suite struct LengthPrefixedTests {
    @Test(arguments: [1, 2, 4])
    func splitsAndConverts(lengthSize: Int) throws {
        let units: [[UInt8]] = [[0x09, 0xf0], [0x67, 0x42, 0x00], [0x65]]
        var data: [UInt8] = []
        for unit in units {
            data += (0..<lengthSize).reversed().map { UInt8(truncatingIfNeeded: unit.count >> (8 * $0)) } + unit
        }
        #expect(try LengthPrefixed.nalUnits(in: data, lengthSize: lengthSize).map(Array.init) == units)
        #expect(try LengthPrefixed.convertToFourByteLengths(data, from: lengthSize) == hex("00000002 09f0 00000003 674200 00000001 65"))
    }

    @Test func rejectsOverrunsAndBadLengthSizes() {
        #expect(codecErrorCode { _ = try LengthPrefixed.nalUnits(in: hex("00000003 6588")) } == .truncated)
        #expect(codecErrorCode { _ = try LengthPrefixed.nalUnits(in: hex("00000001 65 0000")) } == .truncated)
        #expect(codecErrorCode { _ = try LengthPrefixed.nalUnits(in: hex("ffffffff 65")) } == .limitExceeded)
        #expect(codecErrorCode { _ = try LengthPrefixed.nalUnits(in: [0, 1, 0x65], lengthSize: 3) } == .invalidValue)
        #expect(codecErrorCode { _ = try LengthPrefixed.convertToFourByteLengths([0x05, 0x65], from: 1) } == .truncated)
    }

    @Test func zeroLengthUnitsAreSkipped() throws {
        let units = try LengthPrefixed.nalUnits(in: hex("00000000 00000001 09 00000000"))
        #expect(units.map(Array.init) == [[0x09]])
        #expect(try LengthPrefixed.nalUnits(in: []).isEmpty)
    }
}

@Suite struct H264AccessUnitTests {
    let sps = hex("67640028acd940780227e5c044000003000400000300f03c60c658")
    let pps = hex("68ebe3cb22c0")

    @Test func nalUnitTypes() {
        #expect(H264NALUnitType(headerByte: 0x65) == .idr)
        #expect(H264NALUnitType(headerByte: 0x67) == .sps)
        #expect(H264NALUnitType(headerByte: 0x68) == .pps)
        #expect(H264NALUnitType(headerByte: 0x09) == .aud)
        #expect(H264NALUnitType(headerByte: 0x41) == .slice)
        #expect(H264NALUnitType(headerByte: 0x06) == .sei)
        #expect(H264NALUnitType(headerByte: 0x17) == nil)  // 23: reserved
        #expect(H264NALUnitType(headerByte: 0x00) == nil)  // 0: unspecified
        #expect(H264NALUnitType.of([UInt8]()) == nil)
        #expect(H264NALUnitType.of(hex("6588")) == .idr)
        #expect(H264NALUnitType.idr.isVCL && !H264NALUnitType.sps.isVCL)
    }

    @Test func keyframeFromAnnexB() {
        let annexB = hex("deadbeef 00000001 0910 00000001") + sps + [0, 0, 1] + pps + hex("000001 0605ff 000001 6588840021")
        let unit = H264AccessUnit(annexB: annexB)
        #expect(unit.containsIDR)
        #expect(unit.skippedBytes == 4)
        #expect(unit.sequenceParameterSets == [sps])
        #expect(unit.pictureParameterSets == [pps])
        #expect(unit.nalUnitTypes == [9, 7, 8, 6, 5])
        let expected = hex("00000002 0910") + [0, 0, 0, UInt8(sps.count)] + sps + [0, 0, 0, 6] + pps
            + hex("00000003 0605ff 00000005 6588840021")
        #expect(unit.lengthPrefixed == expected)

        let again = try? H264AccessUnit(lengthPrefixed: unit.lengthPrefixed)
        #expect(again?.containsIDR == true)
        #expect(again?.sequenceParameterSets == [sps])
        #expect(again?.pictureParameterSets == [pps])
        #expect(again?.lengthPrefixed == expected)
        #expect(again?.skippedBytes == 0)
    }

    @Test func nonKeyframe() throws {
        let unit = H264AccessUnit(annexB: hex("00000001 0930 00000001 419a0102"))
        #expect(!unit.containsIDR)
        #expect(unit.sequenceParameterSets.isEmpty && unit.pictureParameterSets.isEmpty)
        let twoByte = try H264AccessUnit(lengthPrefixed: hex("0002 0930 0004 419a0102"), lengthSize: 2)
        #expect(twoByte.lengthPrefixed == unit.lengthPrefixed)
        #expect(!twoByte.containsIDR)
        #expect(codecErrorCode { _ = try H264AccessUnit(lengthPrefixed: hex("00000009 65")) } == .truncated)
    }
}

@Suite("AnnexB ranges over a raw buffer")
struct AnnexBRangeTests {
    /// The pointer-based split (used by ingest on libav's buffers) and the array one agree, and
    /// joining the ranges gives the same bytes as `toLengthPrefixed`.
    @Test func rangesAgreeWithNalUnitsAndJoin() {
        let stream: [UInt8] = [0xAB, 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 5, 6, 0]
        let (ranges, skipped) = stream.withUnsafeBytes { AnnexB.nalUnitRanges(in: $0) }
        #expect(skipped == 1)
        #expect(ranges.map { Array(stream[$0]) } == AnnexB.nalUnits(in: stream).units.map(Array.init))
        let joined = stream.withUnsafeBytes { LengthPrefixed.join(ranges, of: $0) }
        #expect(joined == AnnexB.toLengthPrefixed(stream))
        #expect(joined == [0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x68, 3, 0, 0, 0, 4, 0x65, 4, 5, 6])
    }
}
