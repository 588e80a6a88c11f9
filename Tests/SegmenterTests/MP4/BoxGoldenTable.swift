import TestSupport
import Testing

@testable import Segmenter

/// One row of the box golden table: a value and its exact bytes, derived by hand from
/// ISO/IEC 14496-12 (and -14, -15 for the codec boxes). The same row drives writing (value →
/// bytes), parsing (bytes → value), the round trip, the truncation sweep and the mutations.
struct BoxGoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var bytes: [UInt8]
    /// The code parsing fails with when one zero byte is appended inside the box (its size
    /// grown by one); nil when the box takes any length (a name or payload runs to its end).
    var appendedByte: SegmenterError.Code?
    var write: @Sendable () -> [UInt8]
    /// Parses and compares with the row's value: nil when equal, else the parsed value.
    var parseMismatch: @Sendable (ArraySlice<UInt8>) throws -> String?
    /// Parses, writes the result and parses that again: whether both parsed values are equal.
    var reparsesEqual: @Sendable (ArraySlice<UInt8>) throws -> Bool

    var testDescription: String { name }

    init<Box: MP4Box>(_ name: String, _ value: Box, _ text: String, appendedByte: SegmenterError.Code? = .trailingBytes) {
        self.name = name
        bytes = hex(text)
        self.appendedByte = appendedByte
        write = { value.serialized }
        parseMismatch = { bytes in
            let parsed = try Box(parsing: bytes)
            return parsed == value ? nil : String(describing: parsed)
        }
        reparsesEqual = { bytes in
            let parsed = try Box(parsing: bytes)
            return try Box(parsing: parsed.serialized) == parsed
        }
    }
}

private let matrix = "00010000 00000000 00000000 00000000 00010000 00000000 00000000 00000000 40000000"

private let avcC = AVCDecoderConfigurationRecord(
    profileIndication: 66, profileCompatibility: 0xc0, levelIndication: 30,
    sequenceParameterSets: [[0x67, 0x42, 0xc0, 0x1e]], pictureParameterSets: [[0x68, 0xce, 0x3c, 0x80]])
private let avcCHex = "0000001b 61766343 01 42 c0 1e ff e1 0004 6742c01e 01 0004 68ce3c80"
private let avc1Hex = """
    00000071 61766331
      000000000000 0001 0000 0000 000000000000000000000000
      0780 0438 00480000 00480000 00000000 0001
      0000000000000000000000000000000000000000000000000000000000000000
      0018 ffff
      \(avcCHex)
    """

private let hevcVPS = "40010c01ffff01600000030090000003000003003c959409"
private let hevcSPS = "42010101600000030090000003000003003ca00a080c1f3e595952930bc05a020000030002000003003c10"
private let hevcPPS = "4401c073c189"
private let hvcC = HEVCDecoderConfigurationRecord(
    profileTierLevel: HEVCProfileTierLevel(
        profileSpace: 0, tierFlag: false, profileIdc: 1, compatibilityFlags: 0x6000_0000, constraintIndicatorFlags: 0x9000_0000_0000,
        levelIdc: 60),
    chromaFormat: 1, bitDepthLumaMinus8: 0, bitDepthChromaMinus8: 0, numTemporalLayers: 1, temporalIDNested: true,
    arrays: [
        .init(complete: true, type: 32, units: [hex(hevcVPS)]), .init(complete: true, type: 33, units: [hex(hevcSPS)]),
        .init(complete: true, type: 34, units: [hex(hevcPPS)]),
    ])
private let hvcCHex = """
    00000077 68766343
      01 01 60000000 900000000000 3c f000 fc fd f8 f8 0000 0f 03
      a0 0001 0018 \(hevcVPS)
      a1 0001 002b \(hevcSPS)
      a2 0001 0006 \(hevcPPS)
    """
private let hvc1Hex = """
    000000cd 68766331
      000000000000 0001 0000 0000 000000000000000000000000
      0140 00b4 00480000 00480000 00000000 0001
      0000000000000000000000000000000000000000000000000000000000000000
      0018 ffff
      \(hvcCHex)
    """

private let asc = AudioSpecificConfig(
    bytes: [0x11, 0x90], objectType: 2, samplingFrequencyIndex: 3, sampleRate: 48000, channelConfiguration: 2)
private let esdsHex = """
    00000027 65736473 00000000
      03 19 0000 00
        04 11 40 15 000000 00000000 00000000
          05 02 1190
        06 01 02
    """
private let mp4aHex = "0000004b 6d703461 000000000000 0001 0000000000000000 0002 0010 0000 0000 bb800000 \(esdsHex)"
private let audioTrack = Track(id: 1, format: .audio(codec: .aac(asc), sampleRate: 48000, channels: 2, timescale: 48000))

private let emptyTablesHex = """
    00000010 73747473 00000000 00000000
    00000010 73747363 00000000 00000000
    00000014 7374737a 00000000 00000000 00000000
    00000010 7374636f 00000000 00000000
    """
private let dinfHex = "00000024 64696e66 0000001c 64726566 00000000 00000001 0000000c 75726c20 00000001"
private let stblHex = "000000a7 7374626c 0000005b 73747364 00000000 00000001 \(mp4aHex) \(emptyTablesHex)"
private let minfHex = "000000e3 6d696e66 00000010 736d6864 00000000 0000 0000 \(dinfHex) \(stblHex)"
private let mdiaHex = """
    00000138 6d646961
      00000020 6d646864 00000000 00000000 00000000 0000bb80 00000000 55c4 0000
      0000002d 68646c72 00000000 00000000 736f756e 000000000000000000000000 536f756e6448616e646c657200
      \(minfHex)
    """
private let tkhdAudioHex = """
    0000005c 746b6864 00000003 00000000 00000000 00000001 00000000 00000000
      0000000000000000 0000 0000 0100 0000 \(matrix) 00000000 00000000
    """
private let trakHex = "0000019c 7472616b \(tkhdAudioHex) \(mdiaHex)"
private let mvexHex = "00000028 6d766578 00000020 74726578 00000000 00000001 00000001 00000000 00000000 00000000"
private let moovHex = """
    00000238 6d6f6f76
      0000006c 6d766864 00000000 00000000 00000000 000003e8 00000000 00010000 0100
        0000 0000000000000000 \(matrix) 000000000000000000000000000000000000000000000000 00000002
      \(trakHex)
      \(mvexHex)
    """

private let videoTrun = TrackFragmentRunBox(
    version: 1, dataOffset: 0xc8, sampleFields: [.duration, .size, .flags, .compositionTimeOffset],
    samples: [
        .init(duration: 512, size: 2, flags: .sync, compositionTimeOffset: 1024),
        .init(duration: 512, size: 1, flags: .nonSync, compositionTimeOffset: -512),
    ])
private let videoTrunHex = """
    00000034 7472756e 01000f01 00000002 000000c8
      00000200 00000002 02000000 00000400
      00000200 00000001 01010000 fffffe00
    """
private let videoTraf = TrackFragmentBox(
    header: TrackFragmentHeaderBox(trackID: 1), decodeTime: .init(baseMediaDecodeTime: 0x1_0000_0002), runs: [videoTrun])
private let videoTrafHex = """
    00000060 74726166
      00000010 74666864 00020000 00000001
      00000014 74666474 01000000 0000000100000002
      \(videoTrunHex)
    """
private let audioTraf = TrackFragmentBox(
    header: TrackFragmentHeaderBox(trackID: 2), decodeTime: .init(baseMediaDecodeTime: 1024),
    runs: [TrackFragmentRunBox(dataOffset: 0xcb, sampleFields: [.duration, .size], samples: [.init(duration: 1024, size: 3)])])
/// The moof of `FragmentTests.videoAndAudioFragment`.
let goldenMoofHex = """
    000000c0 6d6f6f66
      00000010 6d666864 00000000 00000007
      \(videoTrafHex)
      00000048 74726166
        00000010 74666864 00020000 00000002
        00000014 74666474 01000000 0000000000000400
        0000001c 7472756e 01000301 00000001 000000cb 00000400 00000003
    """
let goldenMoof = MovieFragmentBox(header: .init(sequenceNumber: 7), trackFragments: [videoTraf, audioTraf])

private let elstHex = "0000001c 656c7374 00000000 00000001 000007d0 00000000 0001 0000"
private let edtsHex = "00000024 65647473 \(elstHex)"
private let editedAudioTrak: TrackBox = {
    var trak = InitSegment.track(audioTrack)
    trak.edit = EditBox(editList: EditListBox(entries: [.init(segmentDuration: 2000, mediaTime: 0)]))
    return trak
}()
/// An stbl holding every table a progressive file may carry, co64 for the offsets.
private let fullSampleTable = SampleTableBox(
    sampleDescription: SampleDescriptionBox(entries: [SampleEntry(format: audioTrack.format)]),
    timeToSample: TimeToSampleBox(entries: [.init(sampleCount: 3, sampleDelta: 1024)]), syncSample: SyncSampleBox(sampleNumbers: [1]),
    compositionOffset: CompositionOffsetBox(entries: [.init(sampleCount: 3, sampleOffset: 1024)]),
    sampleToChunk: SampleToChunkBox(entries: [.init(firstChunk: 1, samplesPerChunk: 3)]),
    sampleSize: SampleSizeBox(sizes: .constant(size: 6, count: 3)), chunkOffsets: .co64(ChunkLargeOffsetBox(chunkOffsets: [0x1_0000_0000])))
private let fullSampleTableHex = """
    000000ef 7374626c
      0000005b 73747364 00000000 00000001 \(mp4aHex)
      00000018 73747473 00000000 00000001 00000003 00000400
      00000014 73747373 00000000 00000001 00000001
      00000018 63747473 00000000 00000001 00000003 00000400
      0000001c 73747363 00000000 00000001 00000001 00000003 00000001
      00000014 7374737a 00000000 00000006 00000003
      00000018 636f3634 00000000 00000001 0000000100000000
    """

/// Every row: the ISO-BMFF rows below, then the codec rows of other files (`AudioCodecBoxGoldenCases.swift`).
let boxGoldenCases: [BoxGoldenCase] = isoBoxGoldenCases + audioCodecBoxGoldenCases

private let isoBoxGoldenCases: [BoxGoldenCase] = [
    // Initialization segment
    BoxGoldenCase("ftyp iso6", InitSegment.fileType, "0000001c 66747970 69736f36 00000000 69736f36 69736f6d 6d703431"),
    BoxGoldenCase(
        "mvhd v0, ours", MovieHeaderBox(timescale: 1000, nextTrackID: 2),
        "0000006c 6d766864 00000000 00000000 00000000 000003e8 00000000 00010000 0100 0000 0000000000000000 \(matrix) \(String(repeating: "00", count: 24)) 00000002"
    ),
    BoxGoldenCase(
        "mvhd v1, 64-bit times",
        MovieHeaderBox(version: 1, creationTime: 1, modificationTime: 2, timescale: 90000, duration: 0x1_0000_0000, nextTrackID: 3),
        """
        00000078 6d766864 01000000 0000000000000001 0000000000000002 00015f90 0000000100000000
          00010000 0100 0000 0000000000000000 \(matrix) \(String(repeating: "00", count: 24)) 00000003
        """),
    BoxGoldenCase("tkhd audio", TrackHeaderBox(trackID: 1, volume: 0x0100), tkhdAudioHex),
    BoxGoldenCase(
        "tkhd video 1920x1080", TrackHeaderBox(trackID: 1, volume: 0, width: 1920 << 16, height: 1080 << 16),
        """
        0000005c 746b6864 00000003 00000000 00000000 00000001 00000000 00000000
          0000000000000000 0000 0000 0000 0000 \(matrix) 07800000 04380000
        """),
    BoxGoldenCase(
        "mdhd v0 48 kHz und", MediaHeaderBox(timescale: 48000),
        "00000020 6d646864 00000000 00000000 00000000 0000bb80 00000000 55c4 0000"),
    BoxGoldenCase(
        "mdhd v1 eng", MediaHeaderBox(version: 1, timescale: 90000, duration: 0x1_0000_0000, language: "eng"),
        "0000002c 6d646864 01000000 0000000000000000 0000000000000000 00015f90 0000000100000000 15c7 0000"),
    BoxGoldenCase(
        "hdlr soun", HandlerBox(handlerType: "soun", name: "SoundHandler"),
        "0000002d 68646c72 00000000 00000000 736f756e 000000000000000000000000 536f756e6448616e646c657200", appendedByte: nil),
    BoxGoldenCase(
        "hdlr vide", HandlerBox(handlerType: "vide", name: "VideoHandler"),
        "0000002d 68646c72 00000000 00000000 76696465 000000000000000000000000 566964656f48616e646c657200", appendedByte: nil),
    BoxGoldenCase("vmhd", VideoMediaHeaderBox(), "00000014 766d6864 00000001 0000 0000 0000 0000"),
    BoxGoldenCase("smhd", SoundMediaHeaderBox(), "00000010 736d6864 00000000 0000 0000"),
    BoxGoldenCase("dinf > dref > url, self-contained", DataInformationBox.selfContained, dinfHex, appendedByte: .truncated),
    BoxGoldenCase(
        "url with a location", DataEntryUrlBox(flags: 0, location: "a.mp4"), "00000012 75726c20 00000000 612e6d703400",
        appendedByte: nil),
    BoxGoldenCase("avcC", AVCConfigurationBox(configuration: avcC), avcCHex, appendedByte: nil),
    BoxGoldenCase("avc1 1920x1080", AVCSampleEntry(width: 1920, height: 1080, configuration: avcC), avc1Hex, appendedByte: .truncated),
    BoxGoldenCase(
        "avc3 with compressor name and pasp",
        AVCSampleEntry(
            codingName: "avc3", width: 1920, height: 1080, compressorName: Array("x264".utf8), configuration: avcC,
            otherBoxes: [RawBox(type: "pasp", body: hex("00000001 00000001")[...], depth: 2)]),
        """
        00000081 61766333
          000000000000 0001 0000 0000 000000000000000000000000
          0780 0438 00480000 00480000 00000000 0001
          04 78323634 \(String(repeating: "00", count: 27))
          0018 ffff
          \(avcCHex)
          00000010 70617370 00000001 00000001
        """, appendedByte: .truncated),
    BoxGoldenCase("hvcC", HEVCConfigurationBox(configuration: hvcC), hvcCHex, appendedByte: nil),
    BoxGoldenCase("hvc1 320x180", HEVCSampleEntry(width: 320, height: 180, configuration: hvcC), hvc1Hex, appendedByte: .truncated),
    BoxGoldenCase("esds AAC-LC 48 kHz stereo", ElementaryStreamDescriptorBox(audioSpecificConfig: asc), esdsHex),
    BoxGoldenCase(
        "mp4a 48 kHz stereo",
        MP4AudioSampleEntry(
            channelCount: 2, sampleRate: 48000 << 16, configuration: ElementaryStreamDescriptorBox(audioSpecificConfig: asc)),
        mp4aHex, appendedByte: .truncated),
    BoxGoldenCase("stts empty", TimeToSampleBox(), "00000010 73747473 00000000 00000000"),
    BoxGoldenCase(
        "stts two runs", TimeToSampleBox(entries: [.init(sampleCount: 3, sampleDelta: 512), .init(sampleCount: 1, sampleDelta: 1024)]),
        "00000020 73747473 00000000 00000002 00000003 00000200 00000001 00000400"),
    BoxGoldenCase(
        "stsc one run", SampleToChunkBox(entries: [.init(firstChunk: 1, samplesPerChunk: 5)]),
        "0000001c 73747363 00000000 00000001 00000001 00000005 00000001"),
    BoxGoldenCase("stsz empty", SampleSizeBox(), "00000014 7374737a 00000000 00000000 00000000"),
    BoxGoldenCase(
        "stsz constant", SampleSizeBox(sizes: .constant(size: 1000, count: 7)), "00000014 7374737a 00000000 000003e8 00000007"),
    BoxGoldenCase(
        "stsz per sample", SampleSizeBox(sizes: .perSample([10, 20])),
        "0000001c 7374737a 00000000 00000000 00000002 0000000a 00000014"),
    BoxGoldenCase("stco two chunks", ChunkOffsetBox(chunkOffsets: [48, 1000]), "00000018 7374636f 00000000 00000002 00000030 000003e8"),
    BoxGoldenCase(
        "co64 two chunks", ChunkLargeOffsetBox(chunkOffsets: [0x1_0000_0000, 48]),
        "00000020 636f3634 00000000 00000002 0000000100000000 0000000000000030"),
    BoxGoldenCase(
        "stss two sync samples", SyncSampleBox(sampleNumbers: [1, 26]), "00000018 73747373 00000000 00000002 00000001 0000001a"),
    BoxGoldenCase(
        "ctts v0, unsigned offsets",
        CompositionOffsetBox(entries: [.init(sampleCount: 2, sampleOffset: 1024), .init(sampleCount: 1, sampleOffset: 0)]),
        "00000020 63747473 00000000 00000002 00000002 00000400 00000001 00000000"),
    BoxGoldenCase(
        "ctts v1, a negative offset",
        CompositionOffsetBox(entries: [.init(sampleCount: 1, sampleOffset: 512), .init(sampleCount: 1, sampleOffset: -512)]),
        "00000020 63747473 01000000 00000002 00000001 00000200 00000001 fffffe00"),
    BoxGoldenCase(
        "ctts v0, an offset above Int32.max", CompositionOffsetBox(version: 0, entries: [.init(sampleCount: 1, sampleOffset: 0xffff_fe00)]),
        "00000018 63747473 00000000 00000001 00000001 fffffe00"),
    BoxGoldenCase(
        "elst v0, empty edit then media",
        EditListBox(entries: [.empty(segmentDuration: 500), .init(segmentDuration: 2000, mediaTime: 1024)]),
        "00000028 656c7374 00000000 00000002 000001f4 ffffffff 0001 0000 000007d0 00000400 0001 0000"),
    BoxGoldenCase(
        "elst v1, a 64-bit duration", EditListBox(entries: [.init(segmentDuration: 0x1_0000_0000, mediaTime: 0)]),
        "00000024 656c7374 01000000 00000001 0000000100000000 0000000000000000 0001 0000"),
    BoxGoldenCase(
        "elst v1 empty edit, dwell",
        EditListBox(version: 1, entries: [.empty(segmentDuration: 10), .init(segmentDuration: 5, mediaTime: 7, mediaRateInteger: 0)]),
        "00000038 656c7374 01000000 00000002 000000000000000a ffffffffffffffff 0001 0000 0000000000000005 0000000000000007 0000 0000"),
    BoxGoldenCase(
        "edts > elst", EditBox(editList: EditListBox(entries: [.init(segmentDuration: 2000, mediaTime: 0)])), edtsHex,
        appendedByte: .truncated),
    BoxGoldenCase("stbl, every table, co64", fullSampleTable, fullSampleTableHex, appendedByte: .truncated),
    BoxGoldenCase(
        "trak audio with an edit list", editedAudioTrak, "000001c0 7472616b \(tkhdAudioHex) \(edtsHex) \(mdiaHex)", appendedByte: .truncated
    ),
    BoxGoldenCase(
        "stsd > mp4a", SampleDescriptionBox(entries: [SampleEntry(format: audioTrack.format)]),
        "0000005b 73747364 00000000 00000001 \(mp4aHex)", appendedByte: .truncated),
    BoxGoldenCase(
        "stbl, empty tables",
        SampleTableBox(sampleDescription: SampleDescriptionBox(entries: [SampleEntry(format: audioTrack.format)])), stblHex,
        appendedByte: .truncated),
    BoxGoldenCase("trak audio", InitSegment.track(audioTrack), trakHex, appendedByte: .truncated),
    BoxGoldenCase("minf audio", InitSegment.track(audioTrack).media.information, minfHex, appendedByte: .truncated),
    BoxGoldenCase("mdia audio", InitSegment.track(audioTrack).media, mdiaHex, appendedByte: .truncated),
    BoxGoldenCase("moov audio only", InitSegment.movie(tracks: [audioTrack]), moovHex, appendedByte: .truncated),
    BoxGoldenCase("mvex > trex, ours", MovieExtendsBox(trackExtends: [TrackExtendsBox(trackID: 1)]), mvexHex, appendedByte: .truncated),
    BoxGoldenCase(
        "trex with defaults",
        TrackExtendsBox(trackID: 2, defaultSampleDuration: 1024, defaultSampleSize: 6, defaultSampleFlags: .nonSync),
        "00000020 74726578 00000000 00000002 00000001 00000400 00000006 01010000"),
    // Media segment
    BoxGoldenCase("mfhd", MovieFragmentHeaderBox(sequenceNumber: 7), "00000010 6d666864 00000000 00000007"),
    BoxGoldenCase("tfhd default-base-is-moof", TrackFragmentHeaderBox(trackID: 1), "00000010 74666864 00020000 00000001"),
    BoxGoldenCase(
        "tfhd every optional field",
        TrackFragmentHeaderBox(
            trackID: 2, baseDataOffset: 0x100, sampleDescriptionIndex: 1, defaultSampleDuration: 1024, defaultSampleSize: 6,
            defaultSampleFlags: .nonSync, defaultBaseIsMoof: false),
        "00000028 74666864 0000003b 00000002 0000000000000100 00000001 00000400 00000006 01010000"),
    BoxGoldenCase(
        "tfdt v1", TrackFragmentBaseMediaDecodeTimeBox(baseMediaDecodeTime: 0x1_0000_0002),
        "00000014 74666474 01000000 0000000100000002"),
    BoxGoldenCase(
        "tfdt v0", TrackFragmentBaseMediaDecodeTimeBox(version: 0, baseMediaDecodeTime: 1024), "00000010 74666474 00000000 00000400"),
    BoxGoldenCase("trun v1 video, signed offsets", videoTrun, videoTrunHex),
    BoxGoldenCase(
        "trun v0, first sample flags, sizes only",
        TrackFragmentRunBox(
            version: 0, dataOffset: nil, firstSampleFlags: .sync, sampleFields: [.size],
            samples: [.init(size: 5), .init(size: 6), .init(size: 7)]),
        "00000020 7472756e 00000204 00000003 02000000 00000005 00000006 00000007"),
    BoxGoldenCase(
        "trun v0, unsigned offset",
        TrackFragmentRunBox(
            version: 0, dataOffset: nil, sampleFields: [.compositionTimeOffset], samples: [.init(compositionTimeOffset: 0xffff_fe00)]),
        "00000014 7472756e 00000800 00000001 fffffe00"),
    BoxGoldenCase("traf video", videoTraf, videoTrafHex, appendedByte: .truncated),
    BoxGoldenCase("moof video + audio", goldenMoof, goldenMoofHex, appendedByte: .truncated),
    BoxGoldenCase("mdat", MediaDataBox(data: [1, 2, 3]), "0000000b 6d646174 010203", appendedByte: nil),
]
