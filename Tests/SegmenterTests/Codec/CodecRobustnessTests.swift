import TestSupport
import Testing

@testable import Segmenter

/// Truncation sweeps and seeded fuzz loops: every parser either returns a value or throws a
/// `SegmenterError` on any input; none may trap.
@Suite struct CodecRobustnessTests {
    static let spsFixtures = CodecFixtures.h264Streams.map { hex($0.sps) }
    static let avcCFixtures = CodecFixtures.h264Streams.map { hex($0.avcC) }
    static let ascFixtures = ["1190", "1210", "119056e500", "f94780c93800"].map(hex)
    static let adtsFixture = CodecFixtures.adts48kMono

    /// Runs a parser, accepting success or a SegmenterError, failing on any other error.
    static func survive(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        _ = segmenterErrorCode(body, sourceLocation: sourceLocation)
    }

    @Test func spsPrefixes() {
        for sps in Self.spsFixtures {
            for length in 0..<sps.count { Self.survive { _ = try H264SPS.parse(sps.prefix(length)) } }
        }
        // Cut inside the mandatory fields: must throw, and throw .truncated.
        let first = Self.spsFixtures[0]
        for length in 0..<8 {
            #expect(segmenterErrorCode { _ = try H264SPS.parse(first.prefix(length)) } == .truncated)
        }
    }

    @Test func avcCPrefixes() throws {
        for avcC in Self.avcCFixtures {
            for length in 0..<avcC.count {
                let code = segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: avcC.prefix(length)) }
                // Only the prefix that stops right before the optional high-profile extension parses.
                if code == nil {
                    #expect(length == avcC.count - 4)
                } else {
                    #expect(code == .truncated)
                }
            }
        }
    }

    @Test func audioSpecificConfigPrefixes() {
        for asc in Self.ascFixtures {
            for length in 0..<asc.count { Self.survive { _ = try AudioSpecificConfig(parsing: Array(asc.prefix(length))) } }
        }
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: [0x11]) } == .truncated)
    }

    @Test func adtsPrefixes() {
        for length in 0..<Self.adtsFixture.count {
            let prefix = Array(Self.adtsFixture.prefix(length))
            Self.survive { _ = try ADTSHeader.parse(prefix) }
            let (frames, skipped) = ADTS.frames(in: prefix)
            let used = frames.map { $0.header.frameLength }.reduce(0, +)
            #expect(used + skipped == length)
        }
        for length in 0..<7 {
            #expect(segmenterErrorCode { _ = try ADTSHeader.parse(Self.adtsFixture.prefix(length)) } == .truncated)
        }
    }

    @Test func lengthPrefixedPrefixes() throws {
        let annexB = hex("00000001 0910 00000001") + Self.spsFixtures[0] + hex("00000001 68ebe3cb22c0 00000001 65888400aabbcc")
        let data = AnnexB.toLengthPrefixed(annexB).lengthPrefixed
        #expect(try LengthPrefixed.nalUnits(in: data).count == 4)
        let boundaries: Set<Int> = [0, 6, 6 + 4 + Self.spsFixtures[0].count, 6 + 4 + Self.spsFixtures[0].count + 10]
        for length in 0..<data.count {
            let prefix = Array(data.prefix(length))
            let code = segmenterErrorCode { _ = try LengthPrefixed.nalUnits(in: prefix) }
            #expect(code == (boundaries.contains(length) ? nil : .truncated))
            Self.survive { _ = try H264AccessUnit(lengthPrefixed: prefix) }
            Self.survive { _ = try LengthPrefixed.convertToFourByteLengths(prefix, from: 2) }
        }
    }

    @Test func annexBPrefixesNeverTrap() {
        let annexB = hex("00000001 0910 000001") + Self.spsFixtures[0] + hex("0000000168ebe3cb22c0")
        for length in 0...annexB.count {
            let unit = H264AccessUnit(annexB: Array(annexB.prefix(length)))
            #expect(unit.skippedBytes == 0)
        }
    }

    // MARK: Seeded fuzzing

    @Test(arguments: [UInt64(1), 2, 3])
    func randomBytes(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<2_000 {
            let input = rng.bytes(Int.random(in: 0..<64, using: &rng))
            Self.survive { _ = try H264SPS.parse([0x67] + input) }
            Self.survive { _ = try AVCDecoderConfigurationRecord(parsing: [0x01] + input) }
            Self.survive { _ = try AudioSpecificConfig(parsing: input) }
            Self.survive { _ = try ADTSHeader.parse([0xff, 0xf1] + input) }
            Self.survive { _ = try LengthPrefixed.nalUnits(in: input, lengthSize: [1, 2, 4][Int.random(in: 0..<3, using: &rng)]) }
            let (frames, skipped) = ADTS.frames(in: input)
            #expect(frames.map { $0.header.frameLength }.reduce(0, +) + skipped == input.count)
            let conversion = AnnexB.toLengthPrefixed(input)
            let units = (try? LengthPrefixed.nalUnits(in: conversion.lengthPrefixed)) ?? []
            #expect(units.count * 4 + units.map(\.count).reduce(0, +) == conversion.lengthPrefixed.count)
            #expect(units.map(\.count).reduce(0, +) + conversion.skippedBytes <= input.count)
            #expect(units.allSatisfy { !$0.isEmpty && $0.last != 0 && $0.first! & 0x80 == 0 })
        }
    }

    /// Mutations of the valid fixtures reach deeper than random bytes: flip bits and overwrite
    /// bytes of real SPSs, avcC records, ASCs and ADTS headers.
    @Test func mutatedFixtures() {
        var rng = SeededRandom(seed: 0x5eed)
        func mutate(_ input: [UInt8]) -> [UInt8] {
            var bytes = input
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                if Bool.random(using: &rng) {
                    bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                } else {
                    bytes[index] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            return bytes
        }
        for _ in 0..<1_000 {
            for sps in Self.spsFixtures {
                let mutated = mutate(sps)
                Self.survive { _ = try H264SPS.parse(mutated) }
                Self.survive { _ = try AVCDecoderConfigurationRecord(sps: mutated, pps: [[0x68, 0xce]]) }
            }
            for avcC in Self.avcCFixtures {
                let mutated = mutate(avcC)
                Self.survive {
                    let record = try AVCDecoderConfigurationRecord(parsing: mutated)
                    // Whatever parses serialises back without trapping and parses again alike.
                    #expect(try AVCDecoderConfigurationRecord(parsing: record.serialized()) == record)
                }
            }
            for asc in Self.ascFixtures {
                let mutated = mutate(asc)
                Self.survive { _ = try AudioSpecificConfig(parsing: mutated) }
            }
            let adts = mutate(Array(Self.adtsFixture.prefix(600)))
            Self.survive { _ = try ADTSHeader.parse(adts) }
            let (frames, skipped) = ADTS.frames(in: adts)
            #expect(frames.map { $0.header.frameLength }.reduce(0, +) + skipped == adts.count)
            _ = frames.map { $0.header.audioSpecificConfig }
        }
    }
}
