import TestSupport
import Testing

@testable import Segmenter

/// MPEG audio (MP3) frame headers written by libmp3lame, against the values ffprobe reports
/// for the same files, and the format and CODECS string the sample entry is made from.
@Suite("MPEG audio frame headers")
struct MPEGAudioTests {
    /// The first two frame headers of `ffmpeg -f lavfi -i sine=sample_rate=RATE -ac CHANNELS
    /// -c:a libmp3lame -b:a BITRATE -write_xing 0 -id3v2_version 0 out.mp3`; rate, channels,
    /// bitrate, packet sizes and durations as ffprobe shows them (`-show_entries
    /// stream=sample_rate,channels,bit_rate:packet=size,duration`).
    struct LameFile: Sendable, CustomTestStringConvertible {
        var headers: (String, String)
        var version: MPEGAudioVersion
        var sampleRate: Int
        var channels: Int
        var kilobits: Int
        var frameLengths: (Int, Int)
        var samplesPerFrame: Int
        var channelMode: MPEGAudioFrameHeader.ChannelMode
        var testDescription: String { "\(sampleRate) Hz, \(channels) ch, \(kilobits) kbit/s" }
    }

    static let lameFiles: [LameFile] = [
        LameFile(
            headers: ("fffbe464", "fffbe464"), version: .mpeg1, sampleRate: 48000, channels: 2, kilobits: 320, frameLengths: (960, 960),
            samplesPerFrame: 1152, channelMode: .jointStereo),
        LameFile(
            headers: ("fffb9064", "fffb9264"), version: .mpeg1, sampleRate: 44100, channels: 2, kilobits: 128, frameLengths: (417, 418),
            samplesPerFrame: 1152, channelMode: .jointStereo),
        LameFile(
            headers: ("fffb70c4", "fffb72c4"), version: .mpeg1, sampleRate: 44100, channels: 1, kilobits: 96, frameLengths: (313, 314),
            samplesPerFrame: 1152, channelMode: .singleChannel),
        LameFile(
            headers: ("fffb18c4", "fffb18c4"), version: .mpeg1, sampleRate: 32000, channels: 1, kilobits: 32, frameLengths: (144, 144),
            samplesPerFrame: 1152, channelMode: .singleChannel),
        LameFile(
            headers: ("fff38464", "fff38464"), version: .mpeg2, sampleRate: 24000, channels: 2, kilobits: 64, frameLengths: (192, 192),
            samplesPerFrame: 576, channelMode: .jointStereo),
        LameFile(
            headers: ("fff340c4", "fff342c4"), version: .mpeg2, sampleRate: 22050, channels: 1, kilobits: 32, frameLengths: (104, 105),
            samplesPerFrame: 576, channelMode: .singleChannel),
        LameFile(
            headers: ("fff318c4", "fff318c4"), version: .mpeg2, sampleRate: 16000, channels: 1, kilobits: 8, frameLengths: (36, 36),
            samplesPerFrame: 576, channelMode: .singleChannel),
        LameFile(
            headers: ("ffe38464", "ffe38464"), version: .mpeg25, sampleRate: 12000, channels: 2, kilobits: 64, frameLengths: (384, 384),
            samplesPerFrame: 576, channelMode: .jointStereo),
        LameFile(
            headers: ("ffe320c4", "ffe322c4"), version: .mpeg25, sampleRate: 11025, channels: 1, kilobits: 16, frameLengths: (104, 105),
            samplesPerFrame: 576, channelMode: .singleChannel),
        LameFile(
            headers: ("ffe318c4", "ffe318c4"), version: .mpeg25, sampleRate: 8000, channels: 1, kilobits: 8, frameLengths: (72, 72),
            samplesPerFrame: 576, channelMode: .singleChannel),
    ]

    @Test("libmp3lame headers give ffprobe's rate, channels, bitrate, frame sizes and durations", arguments: lameFiles)
    func lameHeaders(_ file: LameFile) throws {
        for (text, length) in [(file.headers.0, file.frameLengths.0), (file.headers.1, file.frameLengths.1)] {
            let header = try MPEGAudioFrameHeader.parse(hex(text))
            #expect(header.version == file.version)
            #expect(header.layer == 3)
            #expect(header.sampleRate == file.sampleRate)
            #expect(header.channels == file.channels)
            #expect(header.channelMode == file.channelMode)
            #expect(header.bitrate == file.kilobits)
            #expect(header.frameLength == length)
            #expect(header.padding == (length > min(file.frameLengths.0, file.frameLengths.1)))
            #expect(header.samplesPerFrame == file.samplesPerFrame)
            #expect(!header.hasCRC)
            #expect(header.frameLength <= MPEGAudioFrameHeader.maxFrameLength)
        }
    }

    @Test("format, object type and CODECS by version", arguments: lameFiles)
    func format(_ file: LameFile) throws {
        let format = try MPEGAudioFrameHeader.parse(hex(file.headers.0)).format
        #expect(format == MPEGAudioFormat(version: file.version, sampleRate: file.sampleRate, channels: file.channels))
        let objectType: UInt8 = file.version == .mpeg1 ? 0x6b : 0x69
        #expect(format.objectTypeIndication == objectType)
        #expect(format.codecsString == (file.version == .mpeg1 ? "mp4a.6B" : "mp4a.69"))
        #expect(format.samplesPerFrame == file.samplesPerFrame)
        #expect(MPEGAudioFormat(objectTypeIndication: objectType, sampleRate: file.sampleRate, channels: file.channels) == format)
        // The other object type does not describe this rate.
        #expect(MPEGAudioFormat(objectTypeIndication: objectType ^ 0x02, sampleRate: file.sampleRate, channels: file.channels) == nil)
    }

    @Test func theLongestFrameIsTheLimit() throws {
        // MPEG-1, 320 kbit/s, 32 kHz, padded: 144 · 320000 / 32000 + 1.
        let header = try MPEGAudioFrameHeader.parse(hex("fffbea00"))
        #expect(header.frameLength == MPEGAudioFrameHeader.maxFrameLength)
        #expect(header.padding)
    }

    @Test func crcFlag() throws {
        #expect(try MPEGAudioFrameHeader.parse(hex("fffae464")).hasCRC)
    }

    @Test(
        "refused headers",
        arguments: [
            ("fffb90", SegmenterError.Code.truncated),  // three bytes
            ("", .truncated),
            ("7ffb9064", .invalidValue),  // no sync
            ("ffeb9064", .invalidValue),  // version 01 reserved
            ("fff99064", .invalidValue),  // layer 00 reserved
            ("fffd9064", .unsupported),  // Layer II
            ("ffff9064", .unsupported),  // Layer I
            ("fffb0064", .unsupported),  // free format
            ("fffbf064", .invalidValue),  // bitrate index 15
            ("fffb9c64", .invalidValue),  // sampling frequency 11
            ("fffb9066", .invalidValue),  // emphasis 10
        ])
    func refused(_ text: String, _ code: SegmenterError.Code) {
        #expect(segmenterErrorCode { _ = try MPEGAudioFrameHeader.parse(hex(text)) } == code)
    }

    @Test func versionFromRate() {
        #expect(MPEGAudioVersion(sampleRate: 32000) == .mpeg1)
        #expect(MPEGAudioVersion(sampleRate: 16000) == .mpeg2)
        #expect(MPEGAudioVersion(sampleRate: 8000) == .mpeg25)
        #expect(MPEGAudioVersion(sampleRate: 96000) == nil)
        #expect(MPEGAudioFormat(objectTypeIndication: 0x40, sampleRate: 48000, channels: 2) == nil)
    }
}
