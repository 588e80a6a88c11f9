import TestSupport
import Testing

@testable import Segmenter

@Suite("moof + mdat golden bytes")
struct FragmentTests {
    /// Two video samples (a keyframe and a B-frame with a negative composition offset) and one
    /// audio sample: every field of mfhd, tfhd, tfdt v1 and trun v1 checked byte by byte.
    @Test func videoAndAudioFragment() {
        let video = TrackFragment(
            trackID: 1, baseMediaDecodeTime: 0x1_0000_0002,
            samples: [
                Sample(duration: 512, compositionOffset: 1024, isSync: true, data: [0xAA, 0xBB]),
                Sample(duration: 512, compositionOffset: -512, isSync: false, data: [0xCC]),
            ])
        let audio = TrackFragment(
            trackID: 2, baseMediaDecodeTime: 1024,
            samples: [Sample(duration: 1024, isSync: true, data: [0xDD, 0xEE, 0xFF])])
        let fragment = Fragment.bytes(sequenceNumber: 7, tracks: [video, audio])

        let expected = hex(
            """
            000000c0 6d6f6f66
              00000010 6d666864 00000000 00000007
              00000060 74726166
                00000010 74666864 00020000 00000001
                00000014 74666474 01000000 0000000100000002
                00000034 7472756e 01000f01 00000002 000000c8
                  00000200 00000002 02000000 00000400
                  00000200 00000001 01010000 fffffe00
              00000048 74726166
                00000010 74666864 00020000 00000002
                00000014 74666474 01000000 0000000000000400
                0000001c 7472756e 01000301 00000001 000000cb
                  00000400 00000003
            0000000e 6d646174
            """)
        #expect(hexString(fragment.header) == hexString(expected))
        #expect(fragment.payloads == [[0xAA, 0xBB], [0xCC], [0xDD, 0xEE, 0xFF]])
        #expect(fragment.joined.count == 0xc0 + 0x0e)
    }

    /// A track with no samples is left out of the moof rather than written as an empty traf.
    @Test func emptyTracksAreOmitted() {
        let audio = TrackFragment(trackID: 2, baseMediaDecodeTime: 0, samples: [Sample(duration: 1024, isSync: true, data: [1])])
        let fragment = Fragment.bytes(
            sequenceNumber: 1, tracks: [TrackFragment(trackID: 1, baseMediaDecodeTime: 0, samples: []), audio])
        let boxes = BoxTree.parse(fragment.joined)
        #expect(boxes.map(\.type) == ["moof", "mdat"])
        #expect(boxes[0].children.map(\.type) == ["mfhd", "traf"])
    }
}

@Suite("esds descriptor sizes")
struct DescriptorSizeTests {
    /// Sizes of 128 bytes and more take several 7-bit groups, high bit set on all but the last.
    @Test(arguments: [(0, [0x00]), (127, [0x7f]), (128, [0x81, 0x00]), (300, [0x82, 0x2c]), (16384, [0x81, 0x80, 0x00])])
    func multiByteSizes(size: Int, encoded: [UInt8]) {
        var writer = ByteWriter()
        SampleEntry.writeDescriptor(&writer, tag: 5, body: Array(repeating: 0, count: size))
        #expect(Array(writer.bytes.prefix(1 + encoded.count)) == [5] + encoded)
        #expect(writer.count == 1 + encoded.count + size)
    }
}
