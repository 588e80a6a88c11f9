import TestSupport
import Testing

@testable import Segmenter

/// The Opus decoder configuration read from libopus's `OpusHead` (as libavformat hands it over
/// for Ogg, WebM/Matroska and MP4), and packet durations from the TOC byte (RFC 6716 §3.1).
@Suite("Opus configuration and packets")
struct OpusTests {
    /// `ffmpeg -f lavfi -i sine=sample_rate=48000 -c:a libopus` to .opus, .mkv and .mp4: the
    /// same extradata (ffprobe `-show_data`): version 1, mono, pre-skip 312, 48 kHz, family 0.
    static let monoHead = hex("4f707573486561640101380180bb0000000000")
    /// The same with `-ac 6`: family 1, 4 streams, 2 coupled, Vorbis 5.1 order.
    static let surroundHead = hex("4f707573486561640106380180bb000000000104020004010203 05")

    @Test func libopusMono() throws {
        let config = try OpusSpecificConfig(opusHead: Self.monoHead)
        #expect(config == OpusSpecificConfig(outputChannelCount: 1, preSkip: 312, inputSampleRate: 48000))
        #expect(config.channels == 1 && config.codecsString == "opus")
        #expect(config.opusHead == Self.monoHead)
    }

    @Test func libopusSurround() throws {
        let config = try OpusSpecificConfig(opusHead: Self.surroundHead)
        #expect(config.outputChannelCount == 6 && config.channelMappingFamily == 1)
        #expect(config.channelMapping == .init(streamCount: 4, coupledCount: 2, mapping: [0, 4, 1, 2, 3, 5]))
        #expect(config.opusHead == Self.surroundHead)
    }

    /// A later minor version may append fields (RFC 7845 §5.1): they are ignored.
    @Test func laterMinorVersionWithMoreBytes() throws {
        var head = Self.monoHead
        head[8] = 15
        head += [0xaa, 0xbb]
        #expect(try OpusSpecificConfig(opusHead: head).preSkip == 312)
    }

    @Test func everyPrefixIsTruncated() {
        for length in 0..<Self.surroundHead.count {
            #expect(
                segmenterErrorCode { _ = try OpusSpecificConfig(opusHead: Self.surroundHead.prefix(length)) } == .truncated,
                "prefix of \(length) bytes")
        }
    }

    @Test(
        "refused OpusHeads",
        arguments: [
            ("4f707573546167730101380180bb0000000000", SegmenterError.Code.invalidValue),  // 'OpusTags'
            ("4f707573486561641001380180bb0000000000", .unsupported),  // version 16: major version 1
            ("4f707573486561640100380180bb0000000000", .invalidValue),  // 0 channels
            ("4f707573486561640103380180bb0000000000", .invalidValue),  // family 0 with 3 channels
            ("4f707573486561640102380180bb000000000100010001", .invalidValue),  // 0 streams
            ("4f707573486561640102380180bb000000000101020001", .invalidValue),  // coupled > streams
            ("4f707573486561640102380180bb000000000101000002", .invalidValue),  // mapping names channel 2 of 1
        ])
    func refused(_ text: String, _ code: SegmenterError.Code) {
        #expect(segmenterErrorCode { _ = try OpusSpecificConfig(opusHead: hex(text)) } == code)
    }

    /// A mapping entry of 255 is a silent channel, allowed in any family but 0.
    @Test func silentChannel() throws {
        let config = try OpusSpecificConfig(opusHead: hex("4f707573486561640102380180bb00000000ff010100ff"))
        #expect(config.channelMapping?.mapping == [0, 255])
    }

    @Test(
        "TOC durations at 48 kHz",
        arguments: [
            ([0x00], 480),  // SILK NB 10 ms
            ([0x08], 960),  // SILK NB 20 ms
            ([0x10], 1920),  // SILK NB 40 ms
            ([0x18], 2880),  // SILK NB 60 ms
            ([0x60], 480),  // Hybrid SWB 10 ms
            ([0x68], 960),  // Hybrid SWB 20 ms
            ([0x80], 120),  // CELT NB 2.5 ms
            ([0xf8], 960),  // CELT FB 20 ms, what libopus writes by default
            ([0xfc], 960),  // the same, stereo
            ([0xf9], 1920),  // two frames, equal sizes
            ([0xfa, 0x05], 1920),  // two frames, different sizes
            ([0x1b, 0x02], 5760),  // code 3: two 60-ms frames, the longest packet
            ([0x83, 0x30], 5760),  // code 3: 48 frames of 2.5 ms
        ] as [([UInt8], Int)])
    func tocDuration(_ packet: [UInt8], _ samples: Int) throws {
        #expect(try OpusPacket.sampleCount(packet) == samples)
    }

    @Test func malformedPackets() {
        #expect(segmenterErrorCode { _ = try OpusPacket.sampleCount([UInt8]()) } == .truncated)
        #expect(segmenterErrorCode { _ = try OpusPacket.sampleCount([0x03]) } == .truncated)
        #expect(segmenterErrorCode { _ = try OpusPacket.sampleCount([0x03, 0x00]) } == .invalidValue)
        // Three 60-ms frames: 180 ms, past the 120-ms limit.
        #expect(segmenterErrorCode { _ = try OpusPacket.sampleCount([0x1b, 0x03]) } == .invalidValue)
        #expect(OpusPacket.maxSamplesPerPacket == 5760)
    }
}
