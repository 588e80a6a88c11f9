import TestSupport
import Testing

@testable import Segmenter

@Suite struct AudioSpecificConfigTests {
    /// Golden table, both directions: fields → bytes and bytes → fields.
    @Test(arguments: [
        (UInt8(2), UInt8(3), UInt8(2), "1190", 48_000),  // AAC-LC 48 kHz stereo
        (2, 4, 2, "1210", 44_100),  // AAC-LC 44.1 kHz stereo
        (2, 3, 1, "1188", 48_000),  // AAC-LC 48 kHz mono
        (2, 7, 1, "1388", 22_050),  // AAC-LC 22.05 kHz mono
        (1, 0, 6, "0830", 96_000),  // AAC Main 96 kHz 5.1
        (4, 12, 7, "2638", 7_350),  // AAC-LTP 7.35 kHz 7.1
    ])
    func golden(objectType: UInt8, frequencyIndex: UInt8, channels: UInt8, configHex: String, sampleRate: Int) throws {
        let built = try AudioSpecificConfig(objectType: objectType, samplingFrequencyIndex: frequencyIndex, channelConfiguration: channels)
        #expect(hexString(built.bytes) == configHex)
        #expect(built.sampleRate == sampleRate)
        let parsed = try AudioSpecificConfig(parsing: hex(configHex))
        #expect(parsed == built)
        #expect(parsed.objectType == objectType)
        #expect(parsed.samplingFrequencyIndex == frequencyIndex)
        #expect(parsed.channelConfiguration == channels)
        #expect(parsed.sampleRate == sampleRate)
        #expect(parsed.codecsString == "mp4a.40.\(objectType)")
    }

    @Test func samplingFrequencyTable() {
        #expect(AudioSpecificConfig.samplingFrequencies.count == 13)
        #expect(AudioSpecificConfig.samplingFrequencies[3] == 48_000)
        #expect(AudioSpecificConfig.samplingFrequencies[4] == 44_100)
    }

    /// FFmpeg's `aac` encoder in MP4 (esds) writes a 5-byte config: LC 48 kHz stereo plus a
    /// sync extension (0x2b7) announcing no SBR. Kept verbatim.
    @Test func ffmpegConfigWithSyncExtensionIsKeptVerbatim() throws {
        let bytes = hex("119056e500")
        let config = try AudioSpecificConfig(parsing: bytes)
        #expect(config.bytes == bytes)
        #expect(config.objectType == 2 && config.sampleRate == 48_000 && config.channelConfiguration == 2)
    }

    @Test func escapedObjectTypeAndExplicitRate() throws {
        var writer = CodecTestBitWriter()
        writer.bits(31, 5)
        writer.bits(42 - 32, 6)  // object type 42 (USAC)
        writer.bits(15, 4)
        writer.bits(37_800, 24)
        writer.bits(2, 4)
        writer.bits(0, 9)
        let config = try AudioSpecificConfig(parsing: writer.bytes)
        #expect(config.objectType == 42)
        #expect(config.samplingFrequencyIndex == 15)
        #expect(config.sampleRate == 37_800)
        #expect(config.channelConfiguration == 2)
        #expect(config.bytes == writer.bytes)
    }

    @Test func heAACExplicitSignallingParsesTheCoreFields() throws {
        // SBR (5), 24 kHz core, stereo, extension 48 kHz, then AAC-LC.
        var writer = CodecTestBitWriter()
        writer.bits(5, 5)
        writer.bits(6, 4)
        writer.bits(2, 4)
        writer.bits(3, 4)
        writer.bits(2, 5)
        writer.bits(0, 2)
        let config = try AudioSpecificConfig(parsing: writer.bytes)
        #expect(config.objectType == 5 && config.sampleRate == 24_000 && config.codecsString == "mp4a.40.5")
    }

    @Test func rejectsBadConfigs() {
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: []) } == .truncated)
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: [0x11]) } == .truncated)
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: [0x00, 0x10]) } == .invalidValue)  // object type 0
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: [0x16, 0x90]) } == .invalidValue)  // index 13
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: [0x17, 0x80, 0x00, 0x00]) } == .truncated)  // explicit rate cut
        #expect(segmenterErrorCode { _ = try AudioSpecificConfig(parsing: [UInt8](repeating: 0x11, count: 2000)) } == .limitExceeded)
        #expect(
            segmenterErrorCode { _ = try AudioSpecificConfig(objectType: 5, samplingFrequencyIndex: 3, channelConfiguration: 2) }
                == .unsupported)
        #expect(
            segmenterErrorCode { _ = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 13, channelConfiguration: 2) }
                == .invalidValue)
        #expect(
            segmenterErrorCode { _ = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 15, channelConfiguration: 2) }
                == .invalidValue)
        #expect(
            segmenterErrorCode { _ = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 3, channelConfiguration: 0) }
                == .unsupported)
        #expect(
            segmenterErrorCode { _ = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 3, channelConfiguration: 8) }
                == .invalidValue)
    }
}

@Suite struct ADTSTests {
    /// Headers written by FFmpeg 5.1's adts muxer (`-f lavfi -i sine=sample_rate=R -ac C -c:a aac -f adts`).
    @Test(arguments: [
        ("fff150802b3ffc", UInt8(4), UInt8(2), 345, "1210"),  // 44.1 kHz stereo
        ("fff14c8024fffc", 3, 2, 295, "1190"),  // 48 kHz stereo
        ("fff14c401b7ffc", 3, 1, 219, "1188"),  // 48 kHz mono
        ("fff15c403ffffc", 7, 1, 511, "1388"),  // 22.05 kHz mono
    ])
    func ffmpegHeaders(headerHex: String, frequencyIndex: UInt8, channels: UInt8, frameLength: Int, asc: String) throws {
        let header = try ADTSHeader.parse(hex(headerHex))
        #expect(header.objectType == 2)
        #expect(header.samplingFrequencyIndex == frequencyIndex)
        #expect(header.channelConfiguration == channels)
        #expect(header.frameLength == frameLength)
        #expect(header.headerLength == 7)
        #expect(header.numberOfRawDataBlocks == 1)
        #expect(header.protectionAbsent)
        #expect(hexString(header.audioSpecificConfig.bytes) == asc)
        #expect(header.sampleRate == AudioSpecificConfig.samplingFrequencies[Int(frequencyIndex)])
    }

    @Test func headerWithCRCIsNineBytes() throws {
        // protection_absent 0, LC, 48 kHz, stereo, frame of 20 bytes, one raw data block.
        let bytes = Self.header(frameLength: 20, crc: true) + [UInt8](repeating: 0xaa, count: 11)
        let header = try ADTSHeader.parse(bytes)
        #expect(header.headerLength == 9)
        #expect(!header.protectionAbsent)
        #expect(header.frameLength == 20)
        let split = ADTS.frames(in: bytes)
        #expect(split.frames.count == 1)
        #expect(split.frames.first?.payload.count == 11)
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(bytes.prefix(8)) } == .truncated)
    }

    @Test func multipleRawDataBlocks() throws {
        let plain = try ADTSHeader.parse(Self.header(frameLength: 100, blocks: 4))
        #expect(plain.numberOfRawDataBlocks == 4 && plain.headerLength == 7)
        // With CRC, raw_data_block_position of blocks 2…n precede the CRC.
        let protected = try ADTSHeader.parse(Self.header(frameLength: 100, crc: true, blocks: 3))
        #expect(protected.numberOfRawDataBlocks == 3 && protected.headerLength == 13)
    }

    @Test func rejectsReservedAndUnsupportedValues() {
        var index15 = Self.header(frameLength: 20)
        index15[2] = index15[2] & ~0x3c | 15 << 2
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(index15) } == .invalidValue)
        var index13 = Self.header(frameLength: 20)
        index13[2] = index13[2] & ~0x3c | 13 << 2
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(index13) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(Self.header(frameLength: 20, channels: 0)) } == .unsupported)
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(Self.header(frameLength: 5)) } == .invalidValue)
        var layer1 = Self.header(frameLength: 20)
        layer1[1] |= 0x02
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(layer1) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(hex("fe f1 4c 80 24 ff fc")) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try ADTSHeader.parse(hex("fff14c8024ff")) } == .truncated)
    }

    @Test func realFileSplitsIntoItsFrames() throws {
        let (frames, skipped) = ADTS.frames(in: CodecFixtures.adts48kMono)
        #expect(skipped == 0)
        #expect(frames.map(\.header.frameLength) == [219, 287, 164, 193, 190, 182])
        #expect(frames.map { $0.payload.count + $0.header.headerLength }.reduce(0, +) == CodecFixtures.adts48kMono.count)
        #expect(frames.allSatisfy { $0.header.audioSpecificConfig == frames[0].header.audioSpecificConfig })
        #expect(frames.first?.header.audioSpecificConfig.bytes == [0x11, 0x88])
    }

    @Test func garbageBetweenFramesIsSkippedAndCounted() {
        let frame = CodecFixtures.adtsSmallFrame22kMono
        // Garbage includes a false syncword (0xFFF1…) whose announced length does not lead to another header.
        let garbage: [UInt8] = [0x00, 0xff, 0xf1, 0x5c, 0x40, 0x02, 0x1f, 0xfc, 0x13, 0x37]
        let stream = garbage + frame + frame + [0xde, 0xad] + frame + [0x01, 0x02, 0x03]
        let (frames, skipped) = ADTS.frames(in: stream)
        #expect(frames.count == 3)
        #expect(frames.allSatisfy { Array($0.payload) == Array(frame.dropFirst(7)) })
        #expect(skipped == garbage.count + 2 + 3)
    }

    @Test func incompleteLastFrameIsSkipped() {
        let frame = CodecFixtures.adtsSmallFrame22kMono
        let (frames, skipped) = ADTS.frames(in: frame + frame.prefix(9))
        #expect(frames.count == 1)
        #expect(skipped == 9)
        #expect(ADTS.frames(in: []).frames.isEmpty)
    }

    @Test func garbageOnlyCountsEverything() {
        var rng = SeededRandom(seed: 99)
        let noise = rng.bytes(500).map { $0 == 0xff ? 0x00 : $0 }
        let (frames, skipped) = ADTS.frames(in: noise)
        #expect(frames.isEmpty && skipped == 500)
    }

    /// A header built bit by bit: LC, 48 kHz unless changed.
    static func header(frameLength: Int, crc: Bool = false, frequencyIndex: UInt64 = 3, channels: UInt64 = 2, blocks: UInt64 = 1) -> [UInt8]
    {
        var writer = CodecTestBitWriter()
        writer.bits(0xfff, 12)
        writer.bits(0, 1)  // MPEG-4
        writer.bits(0, 2)  // layer
        writer.flag(!crc)  // protection_absent
        writer.bits(1, 2)  // profile: LC
        writer.bits(frequencyIndex, 4)
        writer.bits(0, 1)
        writer.bits(channels, 3)
        writer.bits(0, 4)
        writer.bits(UInt64(frameLength), 13)
        writer.bits(0x7ff, 11)
        writer.bits(blocks - 1, 2)  // number_of_raw_data_blocks_in_frame
        if crc {
            for _ in 1..<blocks { writer.bits(0x0100, 16) }  // raw_data_block_position
            writer.bits(0xbeef, 16)
        }
        return writer.bytes
    }
}
