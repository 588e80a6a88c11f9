import TestSupport
import Testing

@testable import Segmenter

@Suite("init.mp4 golden bytes")
struct InitSegmentTests {
    static let asc = AudioSpecificConfig(
        bytes: [0x11, 0x90], objectType: 2, samplingFrequencyIndex: 3, sampleRate: 48000, channelConfiguration: 2)

    /// Every byte of an audio-only init segment, derived by hand from ISO/IEC 14496-12 and -14.
    @Test func audioOnlyInitSegment() {
        let track = Track(id: 1, format: .audio(codec: .aac(Self.asc), sampleRate: 48000, channels: 2, timescale: 48000))
        let matrix = "00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000"
        let expected = hex(
            """
            0000001c 66747970 69736f36 00000000 69736f36 69736f6d 6d703431
            00000238 6d6f6f76
              0000006c 6d766864 00000000 00000000 00000000 000003e8 00000000 00010000 0100
                0000 0000000000000000 \(matrix) 000000000000000000000000000000000000000000000000 00000002
              0000019c 7472616b
                0000005c 746b6864 00000003 00000000 00000000 00000001 00000000 00000000
                  0000000000000000 0000 0000 0100 0000 \(matrix) 00000000 00000000
                00000138 6d646961
                  00000020 6d646864 00000000 00000000 00000000 0000bb80 00000000 55c4 0000
                  0000002d 68646c72 00000000 00000000 736f756e 000000000000000000000000
                    536f756e6448616e646c657200
                  000000e3 6d696e66
                    00000010 736d6864 00000000 0000 0000
                    00000024 64696e66 0000001c 64726566 00000000 00000001 0000000c 75726c20 00000001
                    000000a7 7374626c
                      0000005b 73747364 00000000 00000001
                        0000004b 6d703461 000000000000 0001 0000000000000000 0002 0010 0000 0000 bb800000
                          00000027 65736473 00000000
                            03 19 0000 00
                              04 11 40 15 000000 00000000 00000000
                                05 02 1190
                              06 01 02
                      00000010 73747473 00000000 00000000
                      00000010 73747363 00000000 00000000
                      00000014 7374737a 00000000 00000000 00000000
                      00000010 7374636f 00000000 00000000
              00000028 6d766578
                00000020 74726578 00000000 00000001 00000001 00000000 00000000 00000000
            """)
        #expect(hexString(InitSegment.bytes(tracks: [track])) == hexString(expected))
    }

    /// The `avc1` sample entry and its `avcC`, every byte derived by hand from ISO/IEC 14496-12
    /// §12.1.3 and 14496-15 §5.3.3.1 (a baseline record without the high-profile extension).
    @Test func avc1SampleEntry() {
        let avcC = AVCDecoderConfigurationRecord(
            profileIndication: 66, profileCompatibility: 0xc0, levelIndication: 30,
            sequenceParameterSets: [[0x67, 0x42, 0xc0, 0x1e]], pictureParameterSets: [[0x68, 0xce, 0x3c, 0x80]])
        var writer = ByteWriter()
        SampleEntry.write(&writer, .video(codec: .h264(avcC), width: 1920, height: 1080, timescale: 90000))
        let expected = hex(
            """
            00000071 61766331
              000000000000 0001 0000 0000 000000000000000000000000
              0780 0438 00480000 00480000 00000000 0001
              0000000000000000000000000000000000000000000000000000000000000000
              0018 ffff
              0000001b 61766343
                01 42 c0 1e ff e1 0004 6742c01e 01 0004 68ce3c80
            """)
        #expect(hexString(writer.bytes) == hexString(expected))
    }

    @Test func videoAndAudioTracksDescribeTheirCodecs() throws {
        let avcC = AVCDecoderConfigurationRecord(
            profileIndication: 66, profileCompatibility: 0xc0, levelIndication: 30,
            sequenceParameterSets: [[0x67, 0x42, 0xc0, 0x1e]], pictureParameterSets: [[0x68, 0xce, 0x3c, 0x80]])
        let tracks = [
            Track(id: 1, format: .video(codec: .h264(avcC), width: 1920, height: 1080, timescale: 90000)),
            Track(id: 2, format: .audio(codec: .aac(Self.asc), sampleRate: 48000, channels: 2, timescale: 48000)),
        ]
        let boxes = BoxTree.parse(InitSegment.bytes(tracks: tracks))
        #expect(boxes.map(\.type) == ["ftyp", "moov"])
        let moov = boxes[1]
        #expect(moov.children.map(\.type) == ["mvhd", "trak", "trak", "mvex"])
        // next_track_ID is the last four bytes of mvhd.
        #expect(Array(moov.children[0].payload.suffix(4)) == [0, 0, 0, 3])
        let video = moov.children[1]
        let tkhd = try #require(video.first("tkhd"))
        #expect(Array(tkhd.payload.suffix(8)) == [0x07, 0x80, 0, 0, 0x04, 0x38, 0, 0])  // 1920.0 × 1080.0
        let stsd = try #require(video.first("mdia/minf/stbl/stsd"))
        let avc1 = BoxTree.parse(stsd.payload.dropFirst(8))
        #expect(avc1.first?.type == "avc1")
        // avcC sits after the 78-byte VisualSampleEntry fields and holds the serialized record.
        let avcCBox = BoxTree.parse(avc1[0].payload.dropFirst(78))
        #expect(avcCBox.first?.type == "avcC")
        #expect(Array(avcCBox[0].payload) == avcC.serialized())
        #expect(moov.first("mvex")?.children.map(\.type) == ["trex", "trex"])
        #expect(video.first("mdia/hdlr")?.payload.dropFirst(8).prefix(4).elementsEqual("vide".utf8) == true)
    }
}
