import TestSupport
import Testing

@testable import Segmenter

/// MP3 and Opus tracks through the init segment: ours written and read back, and the sample
/// entries FFmpeg's mp4 muxer writes (parse-only) read as the same formats.
@Suite("init.mp4 with MP3 and Opus")
struct AudioCodecInitSegmentTests {
    static let video = InitSegmentParsingTests.tracks[0]
    static let mp3 = Track(
        id: 2,
        format: .audio(
            codec: .mp3(.init(version: .mpeg1, sampleRate: 44100, channels: 2)), sampleRate: 44100, channels: 2, timescale: 44100))
    static let mp3MPEG25 = Track(
        id: 1,
        format: .audio(codec: .mp3(.init(version: .mpeg25, sampleRate: 8000, channels: 1)), sampleRate: 8000, channels: 1, timescale: 8000))
    static let opus = Track(
        id: 2,
        format: .audio(
            codec: .opus(.init(outputChannelCount: 2, preSkip: 312, inputSampleRate: 44100)), sampleRate: 48000, channels: 2,
            timescale: 48000))

    @Test(
        "written, read back, CODECS",
        arguments: [([video, mp3], ["avc1.42c01e", "mp4a.6B"]), ([mp3MPEG25], ["mp4a.69"]), ([video, opus], ["avc1.42c01e", "opus"])])
    func roundTrip(_ tracks: [Track], _ codecs: [String]) throws {
        let parsed = try InitSegment.tracks(parsing: InitSegment.bytes(tracks: tracks))
        #expect(parsed == tracks)
        #expect(parsed.map(\.format.codecs) == codecs)
    }

    /// `mp4a` entries of `ffmpeg … -c:a libmp3lame out.mp4` at 48 kHz stereo (0x6B) and
    /// 22.05 kHz mono (0x69): no DecoderSpecificInfo, sizes in four-byte form, a `btrt` after `esds`.
    @Test(
        "FFmpeg's MP3 sample entries",
        arguments: [
            (
                "000000646d703461000000000000000100000000000000000002001000000000bb8000000000002c6573647300000000038080801b000200048080800d6b15000000000177d6000177d6068080800102000000146274727400000000000177d6000177d6",
                MPEGAudioFormat(version: .mpeg1, sampleRate: 48000, channels: 2), "mp4a.6B"
            ),
            (
                "000000646d703461000000000000000100000000000000000002001000000000562200000000002c6573647300000000038080801b000100048080800d691500000000008295000082950680808001020000001462747274000000000000829500008295",
                MPEGAudioFormat(version: .mpeg2, sampleRate: 22050, channels: 2), "mp4a.69"
            ),
        ])
    func ffmpegMP3(_ entryHex: String, _ format: MPEGAudioFormat, _ codecs: String) throws {
        let entry = try SampleEntry(parsing: try #require(RawBox.sequence(in: hex(entryHex)[...]).first))
        let parsed = try #require(try entry.format(timescale: UInt32(format.sampleRate)))
        #expect(
            parsed
                == .audio(
                    codec: .mp3(format), sampleRate: format.sampleRate, channels: format.channels, timescale: UInt32(format.sampleRate)))
        #expect(parsed.codecs == codecs)
    }

    /// `Opus` entries of `ffmpeg -i opus.mkv -c copy out.mp4` (libopus, mono and 5.1), with a `btrt`.
    @Test func ffmpegOpus() throws {
        let mono = hex(
            "0000004b4f707573000000000000000100000000000000000001001000000000bb80000000000013644f7073000101380000bb8000000000000014627472740000000000012c3800012c38"
        )
        let surround = hex(
            "000000534f707573000000000000000100000000000000000006001000000000bb8000000000001b644f7073000601380000bb80000001040200040102030500000014627472740000000000007e1400007e14"
        )
        for (bytes, channels) in [(mono, 1), (surround, 6)] {
            let entry = try SampleEntry(parsing: try #require(RawBox.sequence(in: bytes[...]).first))
            let format = try #require(try entry.format(timescale: 48000))
            guard case .audio(.opus(let config), 48000, channels, 48000) = format else {
                Issue.record("parsed as \(format)")
                continue
            }
            #expect(config.preSkip == 312 && config.inputSampleRate == 48000 && format.codecs == "opus")
            // Written back the same, the btrt kept.
            var writer = ByteWriter()
            entry.write(into: &writer)
            #expect(writer.bytes == bytes)
        }
    }

    /// An `mp4a` whose object type is neither MPEG-4 Audio nor MP3 (here 0x6B at a rate only
    /// MPEG-2 has) describes no track we carry.
    @Test func mp3ObjectTypeAtTheWrongRate() throws {
        let entry = SampleEntry.mp4a(
            MP4AudioSampleEntry(
                channelCount: 2, sampleRate: 22050 << 16,
                configuration: .init(decoderConfig: .init(objectTypeIndication: 0x6b, streamType: 5, decoderSpecificInfo: nil))))
        #expect(try entry.format(timescale: 22050) == nil)
    }
}
