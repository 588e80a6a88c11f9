@testable import Segmenter

/// The MP3 and Opus rows of the box golden table (`boxGoldenCases`): `esds` with object type
/// 0x6B / 0x69 and no DecoderSpecificInfo, the `mp4a` entries around them, `dOps` (the
/// mono one is byte for byte what FFmpeg's mp4 muxer writes for libopus), and the `Opus` entry.
private let mp3Format = MPEGAudioFormat(version: .mpeg1, sampleRate: 48000, channels: 2)
private let esdsMP3Hex = """
    00000023 65736473 00000000
      03 15 0000 00
        04 0d 6b 15 000000 00000000 00000000
        06 01 02
    """
private let mp4aMP3Hex = "00000047 6d703461 000000000000 0001 0000000000000000 0002 0010 0000 0000 bb800000 \(esdsMP3Hex)"
private let mp3Track = Track(id: 1, format: .audio(codec: .mp3(mp3Format), sampleRate: 48000, channels: 2, timescale: 48000))

private let mpeg2Format = MPEGAudioFormat(version: .mpeg2, sampleRate: 22050, channels: 1)
private let mp4aMPEG2Hex = """
    00000047 6d703461 000000000000 0001 0000000000000000 0001 0010 0000 0000 56220000
      00000023 65736473 00000000 03 15 0000 00 04 0d 69 15 000000 00000000 00000000 06 01 02
    """

private let opusMono = OpusSpecificConfig(outputChannelCount: 1, preSkip: 312, inputSampleRate: 48000)
private let dOpsMonoHex = "00000013 644f7073 00 01 0138 0000bb80 0000 00"
private let opusSurround = OpusSpecificConfig(
    outputChannelCount: 6, preSkip: 312, inputSampleRate: 48000, outputGain: -256, channelMappingFamily: 1,
    channelMapping: .init(streamCount: 4, coupledCount: 2, mapping: [0, 4, 1, 2, 3, 5]))
private let dOpsSurroundHex = "0000001b 644f7073 00 06 0138 0000bb80 ff00 01 04 02 000401020305"
private let opusHex = "00000037 4f707573 000000000000 0001 0000000000000000 0001 0010 0000 0000 bb800000 \(dOpsMonoHex)"
private let opusTrack = Track(id: 2, format: .audio(codec: .opus(opusMono), sampleRate: 48000, channels: 1, timescale: 48000))

let audioCodecBoxGoldenCases: [BoxGoldenCase] = [
    BoxGoldenCase("esds MP3 (MPEG-1, 0x6B)", ElementaryStreamDescriptorBox(mpegAudio: mp3Format), esdsMP3Hex),
    BoxGoldenCase(
        "mp4a MP3 48 kHz stereo", MP4AudioSampleEntry(channelCount: 2, sampleRate: 48000 << 16, configuration: .init(mpegAudio: mp3Format)),
        mp4aMP3Hex, appendedByte: .truncated),
    BoxGoldenCase(
        "stsd > mp4a MP3", SampleDescriptionBox(entries: [SampleEntry(format: mp3Track.format)]),
        "00000057 73747364 00000000 00000001 \(mp4aMP3Hex)", appendedByte: .truncated),
    BoxGoldenCase(
        "stsd > mp4a MP3 (MPEG-2, 0x69) 22.05 kHz mono",
        SampleDescriptionBox(entries: [
            SampleEntry(format: .audio(codec: .mp3(mpeg2Format), sampleRate: 22050, channels: 1, timescale: 22050))
        ]), "00000057 73747364 00000000 00000001 \(mp4aMPEG2Hex)", appendedByte: .truncated),
    BoxGoldenCase("dOps mono, as FFmpeg writes it", OpusSpecificBox(configuration: opusMono), dOpsMonoHex),
    BoxGoldenCase("dOps 5.1, family 1, -1 dB", OpusSpecificBox(configuration: opusSurround), dOpsSurroundHex),
    BoxGoldenCase("Opus mono", OpusSampleEntry(configuration: opusMono), opusHex, appendedByte: .truncated),
    BoxGoldenCase(
        "stsd > Opus", SampleDescriptionBox(entries: [SampleEntry(format: opusTrack.format)]),
        "00000047 73747364 00000000 00000001 \(opusHex)", appendedByte: .truncated),
]
