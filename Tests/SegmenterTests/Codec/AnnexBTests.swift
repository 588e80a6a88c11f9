import TestSupport
import Testing

@testable import Segmenter

/// `AnnexB.toLengthPrefixed`, the one Annex-B conversion: a golden table (input → output and
/// what was dropped), then sweeps of prefixes and seeded mutations against a plain reference.
@Suite struct AnnexBTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var annexB: String
        var lengthPrefixed: String
        var skippedBytes = 0
        var droppedNALUnits = 0
        var testDescription: String { name }
    }

    static let goldenCases: [Case] = [
        Case(name: "empty input", annexB: "", lengthPrefixed: ""),
        Case(
            name: "3- and 4-byte start codes", annexB: "00000001 6742 000001 68ce 00000001 658884 000001 4101",
            lengthPrefixed: "00000002 6742 00000002 68ce 00000003 658884 00000002 4101"),
        Case(name: "zeros before a 4-byte start code", annexB: "0000 00000001 0901", lengthPrefixed: "00000002 0901"),
        Case(name: "leading garbage", annexB: "aabbcc 00000001 0901", lengthPrefixed: "00000002 0901", skippedBytes: 3),
        Case(name: "leading garbage, then zeros", annexB: "ff00 00 000001 0901", lengthPrefixed: "00000002 0901", skippedBytes: 1),
        Case(
            name: "leading garbage and SPS, PPS, IDR", annexB: "dead 00000001 670102 000001 6803 00000001 65040500",
            lengthPrefixed: "00000003 670102 00000002 6803 00000003 650405", skippedBytes: 2),
        Case(name: "no start code: all garbage", annexB: "0102030000", lengthPrefixed: "", skippedBytes: 3),
        Case(name: "only zeros", annexB: "00000000", lengthPrefixed: ""),
        Case(name: "a start code alone", annexB: "000001", lengthPrefixed: ""),
        Case(
            name: "trailing zeros belong to the next start code or the end",
            annexB: "000001 0910 0000 00000001 6500 00 0000", lengthPrefixed: "00000002 0910 00000001 65"),
        Case(name: "empty units", annexB: "000001 000001 00000001 0901 000001", lengthPrefixed: "00000002 0901"),
        Case(name: "a unit of zeros is empty", annexB: "000001 0000 000001 0901", lengthPrefixed: "00000002 0901"),
        Case(
            name: "forbidden bit between two slices", annexB: "000001 4109 000001 ffeeee 000001 0107",
            lengthPrefixed: "00000002 4109 00000002 0107", skippedBytes: 6, droppedNALUnits: 1),
        Case(
            name: "forbidden bit first, after garbage, before a 4-byte start code", annexB: "ee 000001 80 00000001 0901",
            lengthPrefixed: "00000002 0901", skippedBytes: 1 + 4, droppedNALUnits: 1),
        Case(
            name: "forbidden bit last, with trailing zeros", annexB: "000001 0901 000001 f1f2 0000",
            lengthPrefixed: "00000002 0901", skippedBytes: 5, droppedNALUnits: 1),
        Case(
            name: "only forbidden units", annexB: "00000001 81 00000001 c2c3",
            lengthPrefixed: "", skippedBytes: 4 + 5, droppedNALUnits: 2),
        Case(
            name: "00 00 02 and 00 00 03 are not start codes; emulation prevention stays",
            annexB: "000001 41000002 000001 65000003 01", lengthPrefixed: "00000004 41000002 00000005 6500000301"),
    ]

    @Test(arguments: goldenCases)
    func golden(_ entry: Case) {
        let conversion = AnnexB.toLengthPrefixed(hex(entry.annexB))
        #expect(hexString(conversion.lengthPrefixed) == hexString(hex(entry.lengthPrefixed)))
        #expect(conversion.skippedBytes == entry.skippedBytes)
        #expect(conversion.droppedNALUnits == entry.droppedNALUnits)
        // The array and the raw-buffer entry points are one conversion.
        #expect(hex(entry.annexB).withUnsafeBytes { AnnexB.toLengthPrefixed($0) } == conversion)
        #expect(Self.reference(hex(entry.annexB)) == conversion)
    }

    @Test func startCodeAtEveryAlignmentOfTheFastSkip() {
        for padding in 0..<4 {
            let stream = [UInt8](repeating: 0x55, count: padding) + hex("000001 41aa 00000001 41bb 000001 41cc")
            let conversion = AnnexB.toLengthPrefixed(stream)
            #expect(conversion.lengthPrefixed == hex("00000002 41aa 00000002 41bb 00000002 41cc"))
            #expect(conversion.skippedBytes == padding)
        }
    }

    /// Every prefix of a real access unit, and seeded mutations of it and of start-code-dense
    /// random bytes: the conversion agrees with the plain reference below, and its output is
    /// well formed (lengths fit, no empty unit, no forbidden bit, no trailing zero byte).
    @Test func prefixesAndMutationsAgreeWithTheReference() throws {
        let stream = CodecFixtures.h264Streams[0]
        let accessUnit =
            hex("ab 00000001 0910 00000001") + hex(stream.sps) + hex("000001") + hex(stream.pps)
            + hex("000001 0605ff80 00000001 6588840021aa00 000001 e1e2e3")
        for length in 0...accessUnit.count {
            try Self.check(Array(accessUnit.prefix(length)))
        }
        var rng = SeededRandom(seed: 0xA11E_B)
        let alphabet: [UInt8] = [0, 0, 0, 0, 1, 1, 3, 0x65, 0x80, 0xff]
        for round in 0..<3_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = accessUnit
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let index = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[index] = Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : bytes[index] ^ 0x80
                }
                if Bool.random(using: &rng) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
            } else {
                bytes = (0..<Int.random(in: 0..<48, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            try Self.check(bytes)
        }
    }

    private static func check(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let conversion = AnnexB.toLengthPrefixed(input)
        #expect(conversion == reference(input), "input \(hexString(input))", sourceLocation: sourceLocation)
        let units = try LengthPrefixed.nalUnits(in: conversion.lengthPrefixed)
        #expect(units.count * 4 + units.map(\.count).reduce(0, +) == conversion.lengthPrefixed.count, sourceLocation: sourceLocation)
        #expect(
            units.allSatisfy { !$0.isEmpty && $0.first! & 0x80 == 0 && $0.last != 0 }, "input \(hexString(input))",
            sourceLocation: sourceLocation)
        #expect(units.map(\.count).reduce(0, +) + conversion.skippedBytes <= input.count, sourceLocation: sourceLocation)
    }

    /// The conversion written as plainly as possible: find every `00 00 01` one byte at a time,
    /// cut the units between them, trim zero bytes, drop empty and forbidden-bit units.
    static func reference(_ bytes: [UInt8]) -> AnnexBConversion {
        var starts: [Int] = []
        var index = 0
        while index + 3 <= bytes.count {
            if bytes[index] == 0 && bytes[index + 1] == 0 && bytes[index + 2] == 1 {
                starts.append(index)
                index += 3
            } else {
                index += 1
            }
        }
        var leading = starts.first ?? bytes.count
        while leading > 0 && bytes[leading - 1] == 0 { leading -= 1 }
        var result = AnnexBConversion(lengthPrefixed: [], skippedBytes: leading, droppedNALUnits: 0)
        for (number, start) in starts.enumerated() {
            let begin = start + 3
            var end = number + 1 < starts.count ? starts[number + 1] : bytes.count
            while end > begin && bytes[end - 1] == 0 { end -= 1 }
            guard end > begin else { continue }
            if bytes[begin] & 0x80 != 0 {
                result.skippedBytes += end - begin + 3
                result.droppedNALUnits += 1
                continue
            }
            let length = end - begin
            result.lengthPrefixed += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            result.lengthPrefixed += bytes[begin..<end]
        }
        return result
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
        #expect(segmenterErrorCode { _ = try LengthPrefixed.nalUnits(in: hex("00000003 6588")) } == .truncated)
        #expect(segmenterErrorCode { _ = try LengthPrefixed.nalUnits(in: hex("00000001 65 0000")) } == .truncated)
        #expect(segmenterErrorCode { _ = try LengthPrefixed.nalUnits(in: hex("ffffffff 65")) } == .limitExceeded)
        #expect(segmenterErrorCode { _ = try LengthPrefixed.nalUnits(in: [0, 1, 0x65], lengthSize: 3) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try LengthPrefixed.convertToFourByteLengths([0x05, 0x65], from: 1) } == .truncated)
    }

    @Test func convertsStraightFromARawBuffer() throws {
        let twoByte: [UInt8] = [0, 2, 0x65, 1, 0, 1, 0x06]
        #expect(
            try twoByte.withUnsafeBytes { try LengthPrefixed.convertToFourByteLengths($0, from: 2) } == hex("00000002 6501 00000001 06"))
        #expect(
            segmenterErrorCode { _ = try [UInt8]([0, 5, 1]).withUnsafeBytes { try LengthPrefixed.convertToFourByteLengths($0, from: 2) } }
                == .truncated)
        #expect(try [UInt8]().withUnsafeBytes { try LengthPrefixed.convertToFourByteLengths($0, from: 4) } == [])
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
        let expected =
            hex("00000002 0910") + [0, 0, 0, UInt8(sps.count)] + sps + [0, 0, 0, 6] + pps
            + hex("00000003 0605ff 00000005 6588840021")
        #expect(unit.lengthPrefixed == expected)

        let again = try? H264AccessUnit(lengthPrefixed: unit.lengthPrefixed)
        #expect(again?.containsIDR == true)
        #expect(again?.sequenceParameterSets == [sps])
        #expect(again?.pictureParameterSets == [pps])
        #expect(again?.lengthPrefixed == expected)
        #expect(again?.skippedBytes == 0)
    }

    @Test func garbageIsDroppedAndCounted() {
        let unit = H264AccessUnit(annexB: hex("00000001 0930 000001 ff0102 00000001 419a0102"))
        #expect(unit.lengthPrefixed == hex("00000002 0930 00000004 419a0102"))
        #expect(unit.nalUnitTypes == [9, 1])
        #expect(unit.skippedBytes == 6)
        #expect(unit == H264AccessUnit(AnnexB.toLengthPrefixed(hex("00000001 0930 000001 ff0102 00000001 419a0102"))))
    }

    @Test func nonKeyframe() throws {
        let unit = H264AccessUnit(annexB: hex("00000001 0930 00000001 419a0102"))
        #expect(!unit.containsIDR)
        #expect(unit.sequenceParameterSets.isEmpty && unit.pictureParameterSets.isEmpty)
        let twoByte = try H264AccessUnit(lengthPrefixed: hex("0002 0930 0004 419a0102"), lengthSize: 2)
        #expect(twoByte.lengthPrefixed == unit.lengthPrefixed)
        #expect(!twoByte.containsIDR)
        #expect(segmenterErrorCode { _ = try H264AccessUnit(lengthPrefixed: hex("00000009 65")) } == .truncated)
    }

    @Test func newConfigurationNeedsAnIDRWithANewSPS() throws {
        // 1920x1080 High and 352x288 Baseline SPSs (as in H264SPSTests), one PPS.
        let sps = hex("67640028acd940780227e5c044000003000400000300f03c60c658")
        let otherSPS = hex("6742c00dd9016096c084000003000400000300c83c50a920")
        let pps = hex("68ce3c80")
        let current = try AVCDecoderConfigurationRecord(sps: sps, pps: [pps])
        func prefixed(_ nals: [[UInt8]]) -> [UInt8] { nals.flatMap { nal -> [UInt8] in [0, 0, 0, UInt8(nal.count)] + nal } }
        func unit(_ nals: [[UInt8]]) throws -> H264AccessUnit { try H264AccessUnit(lengthPrefixed: prefixed(nals)) }
        let idr: [UInt8] = [0x65, 0x88]
        let slice: [UInt8] = [0x41, 0x9a]
        #expect(try unit([sps, pps, idr]).newConfiguration(replacing: current) == nil)  // a repeat
        #expect(try unit([otherSPS, pps, slice]).newConfiguration(replacing: current) == nil)  // not at an IDR
        #expect(try unit([otherSPS, idr]).newConfiguration(replacing: current) == nil)  // no PPS with it
        let changed = try #require(try unit([otherSPS, pps, idr]).newConfiguration(replacing: current))
        #expect(changed.sequenceParameterSets == [otherSPS])
        // The allocation-free check agrees with the access unit's SPS list.
        for nals in [[sps, pps, idr], [idr], [slice], [pps, slice], [hex("06 05"), otherSPS]] {
            #expect(H264AccessUnit.carriesSequenceParameterSet(prefixed(nals)) == !(try unit(nals)).sequenceParameterSets.isEmpty)
        }
    }
}
