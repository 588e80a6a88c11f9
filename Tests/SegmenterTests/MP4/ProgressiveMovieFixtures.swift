import Testing

@testable import Segmenter

/// Synthetic tracks for the progressive MP4 tests, and readers that expand the tables of a
/// written `moov` back into one value per sample or chunk.
enum ProgressiveFixtures {
    static let avcC = AVCDecoderConfigurationRecord(
        profileIndication: 100, profileCompatibility: 0, levelIndication: 30,
        sequenceParameterSets: [[0x67, 0x64, 0x00, 0x1e]], pictureParameterSets: [[0x68, 0xee, 0x3c, 0xb0]])
    static let asc = AudioSpecificConfig(
        bytes: [0x11, 0x90], objectType: 2, samplingFrequencyIndex: 3, sampleRate: 48000, channelConfiguration: 2)

    static func videoTemplate(id: UInt32 = 1) -> TrackBox {
        InitSegment.track(Track(id: id, format: .video(codec: .h264(avcC), width: 640, height: 360, timescale: 90000)))
    }

    static func audioTemplate(id: UInt32 = 2) -> TrackBox {
        InitSegment.track(Track(id: id, format: .audio(codec: .aac(asc), sampleRate: 48000, channels: 2, timescale: 48000)))
    }

    /// 30 fps at 90 kHz in I P B order (composition offsets 0, +3000, -3000: the B-frame is
    /// shown before the P-frame it follows in decode order), a sync sample every `gop` frames,
    /// sizes that vary.
    static func videoSamples(count: Int, gop: Int = 30, bFrames: Bool = true) -> [ProgressiveSample] {
        (0..<count).map { index in
            let offset: Int32 = bFrames ? [0, 3000, -3000][index % 3] : 0
            return ProgressiveSample(
                duration: 3000, size: UInt32(1000 + index % 7 * 10), compositionOffset: offset, isSync: index % gop == 0)
        }
    }

    /// AAC frames at 48 kHz: 1024 ticks each, all sync samples; `size` nil: sizes that vary.
    static func audioSamples(count: Int, size: UInt32? = nil) -> [ProgressiveSample] {
        (0..<count).map { ProgressiveSample(duration: 1024, size: size ?? UInt32(200 + $0 % 5), isSync: true) }
    }
}

/// The boxes of a progressive header, parsed back: ftyp, moov and the mdat header.
struct ParsedProgressiveHeader {
    var fileType: FileTypeBox
    var movie: MovieBox
    var topLevelTypes: [FourCC]
    /// The mdat's header size (8 or 16) and its declared size.
    var mediaDataHeaderSize: Int
    var mediaDataSize: UInt64

    init(_ header: [UInt8]) throws {
        var reader = ByteReader(header[...])
        var boxes: [(type: FourCC, bytes: ArraySlice<UInt8>)] = []
        var mdatHeader = 0
        var mdatSize: UInt64 = 0
        while !reader.isAtEnd {
            let start = header.count - reader.remaining
            guard let size32 = reader.readUInt32(), let type = reader.readFourCC() else { throw FixtureError("a box header is cut short") }
            if type == MediaDataBox.boxType {
                mdatHeader = size32 == 1 ? 16 : 8
                if size32 == 1 {
                    guard let large = reader.readUInt64() else { throw FixtureError("the mdat largesize is cut short") }
                    mdatSize = large
                } else {
                    mdatSize = UInt64(size32)
                }
                boxes.append((type, []))
                break
            }
            guard size32 >= 8, reader.skip(Int(size32) - 8) else { throw FixtureError("box '\(type)' runs past the header") }
            boxes.append((type, header[start..<start + Int(size32)]))
        }
        #expect(reader.isAtEnd, "bytes follow the mdat header")
        topLevelTypes = boxes.map(\.type)
        guard let ftyp = boxes.first(where: { $0.type == FileTypeBox.boxType }),
            let moov = boxes.first(where: { $0.type == MovieBox.boxType })
        else { throw FixtureError("no ftyp or no moov: \(topLevelTypes)") }
        fileType = try FileTypeBox(parsing: ftyp.bytes)
        movie = try MovieBox(parsing: moov.bytes)
        mediaDataHeaderSize = mdatHeader
        mediaDataSize = mdatSize
    }
}

extension SampleTableBox {
    var expandedDurations: [UInt32] { timeToSample.entries.flatMap { Array(repeating: $0.sampleDelta, count: Int($0.sampleCount)) } }

    var expandedCompositionOffsets: [Int64]? {
        compositionOffset.map { $0.entries.flatMap { Array(repeating: $0.sampleOffset, count: Int($0.sampleCount)) } }
    }

    var expandedSizes: [UInt32] {
        switch sampleSize.sizes {
        case .constant(let size, let count): Array(repeating: size, count: Int(count))
        case .perSample(let sizes): sizes
        }
    }

    /// Samples per chunk, one value per chunk in `chunkOffsets`.
    var samplesPerChunk: [Int] {
        let entries = sampleToChunk.entries
        return (1...max(chunkOffsets.count, 1)).prefix(chunkOffsets.count).map { chunk in
            Int(entries.last { $0.firstChunk <= chunk }?.samplesPerChunk ?? 0)
        }
    }
}
