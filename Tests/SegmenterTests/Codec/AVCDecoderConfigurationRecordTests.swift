import TestSupport
import Testing

@testable import Segmenter

@Suite struct AVCDecoderConfigurationRecordTests {
    /// One table, both directions: in-band SPS/PPS → record → exactly FFmpeg's avcC bytes, and
    /// FFmpeg's avcC bytes → the same record.
    @Test(arguments: CodecFixtures.h264Streams)
    func goldenBothWays(stream: CodecFixtures.H264Stream) throws {
        let sps = hex(stream.sps)
        let pps = hex(stream.pps)
        let built = try AVCDecoderConfigurationRecord(sps: sps, pps: [pps])
        #expect(hexString(built.serialized()) == stream.avcC)
        #expect(built.profileIndication == stream.profile)
        #expect(built.profileCompatibility == stream.compatibility)
        #expect(built.levelIndication == stream.level)
        #expect(built.nalLengthSize == 4)

        let parsed = try AVCDecoderConfigurationRecord(parsing: hex(stream.avcC))
        #expect(parsed == built)
        #expect(parsed.sequenceParameterSets == [sps])
        #expect(parsed.pictureParameterSets == [pps])
        let parsedSPS = try parsed.parsedSPS()
        #expect(parsedSPS.width == stream.width && parsedSPS.height == stream.height)
    }

    @Test func highProfileExtensionAndCodecsString() throws {
        let hi10 = CodecFixtures.h264Streams[5]
        let record = try AVCDecoderConfigurationRecord(parsing: hex(hi10.avcC))
        #expect(record.highProfileExtension == .init(chromaFormat: 1, bitDepthLumaMinus8: 2, bitDepthChromaMinus8: 2))
        #expect(record.codecsString == "avc1.6e0028")
        let h422 = try AVCDecoderConfigurationRecord(parsing: hex(CodecFixtures.h264Streams[4].avcC))
        #expect(h422.highProfileExtension?.chromaFormat == 2)
        let baseline = try AVCDecoderConfigurationRecord(parsing: hex(CodecFixtures.h264Streams[1].avcC))
        #expect(baseline.highProfileExtension == nil)
        #expect(baseline.codecsString == "avc1.42c01e")
    }

    @Test func highProfileWithoutExtensionIsAccepted() throws {
        let avcC = hex(CodecFixtures.h264Streams[0].avcC).dropLast(4)
        let record = try AVCDecoderConfigurationRecord(parsing: avcC)
        #expect(record.highProfileExtension == nil)
        #expect(record.serialized() == Array(avcC))
    }

    @Test func lengthSizeSeveralParameterSetsAndExtensions() throws {
        let record = AVCDecoderConfigurationRecord(
            profileIndication: 100, profileCompatibility: 0, levelIndication: 31, nalLengthSize: 2,
            sequenceParameterSets: [[0x67, 0x64, 0x00, 0x1f], [0x67, 0x64]], pictureParameterSets: [[0x68, 0x01], [0x68]],
            highProfileExtension: .init(
                chromaFormat: 3, bitDepthLumaMinus8: 1, bitDepthChromaMinus8: 0, sequenceParameterSetExtensions: [[0x6d, 0x01]]))
        let bytes = record.serialized()
        let expected = "0164001f fd e2 0004 6764001f 0002 6764 02 0002 6801 0001 68 ff f9 f8 01 0002 6d01"
        #expect(bytes == hex(expected))
        #expect(try AVCDecoderConfigurationRecord(parsing: bytes) == record)
    }

    @Test func trailingBytesAreIgnored() throws {
        let avcC = hex(CodecFixtures.h264Streams[1].avcC)
        let record = try AVCDecoderConfigurationRecord(parsing: avcC + [0xfc, 0xf8, 0xf8, 0x00])
        #expect(record.serialized() == avcC)
    }

    @Test func rejectsMalformedRecords() {
        let good = hex(CodecFixtures.h264Streams[0].avcC)
        var version2 = good
        version2[0] = 2
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: version2) } == .unsupported)
        var threeByteLengths = good
        threeByteLengths[4] = 0xfe
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: threeByteLengths) } == .invalidValue)
        var noSPS = good
        noSPS[5] = 0xe0
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: noSPS) } == .invalidValue)
        var ppsAsSPS = good
        ppsAsSPS[8] = 0x68
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: ppsAsSPS) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: [UInt8]()) } == .truncated)
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(parsing: good.dropLast(1)) } == .truncated)
    }

    @Test func rejectsBadInBandParameterSets() {
        let sps = hex(CodecFixtures.h264Streams[0].sps)
        let pps = hex(CodecFixtures.h264Streams[0].pps)
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(sps: sps, pps: []) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(sps: pps, pps: [pps]) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(sps: sps, pps: [sps]) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(sps: sps, pps: [[]]) } == .invalidValue)
        #expect(
            segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(sps: sps, pps: Array(repeating: pps, count: 256)) } == .limitExceeded
        )
        #expect(segmenterErrorCode { _ = try AVCDecoderConfigurationRecord(sps: Array(sps.prefix(3)), pps: [pps]) } == .truncated)
    }
}
