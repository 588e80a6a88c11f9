/// `stbl`: the sample descriptions and the tables that place samples in time and in the file
/// (ISO/IEC 14496-12 §8.5.1). In an initialization segment the tables are empty: the samples
/// are in the fragments.
///
/// ```
/// aligned(8) class SampleTableBox extends Box('stbl') { }
///   stsd               sample descriptions (codec configuration)
///   stts               decoding time to sample
///   stsc               sample to chunk
///   stsz               sample sizes
///   stco               chunk offsets
/// ```
/// A missing table reads as empty; other children (stss, ctts, co64, sgpd) are skipped.
public struct SampleTableBox: MP4Box {
    public static let boxType: FourCC = "stbl"

    public var sampleDescription: SampleDescriptionBox
    public var timeToSample: TimeToSampleBox
    public var sampleToChunk: SampleToChunkBox
    public var sampleSize: SampleSizeBox
    public var chunkOffset: ChunkOffsetBox

    public init(
        sampleDescription: SampleDescriptionBox, timeToSample: TimeToSampleBox = .init(), sampleToChunk: SampleToChunkBox = .init(),
        sampleSize: SampleSizeBox = .init(), chunkOffset: ChunkOffsetBox = .init()
    ) {
        self.sampleDescription = sampleDescription
        self.timeToSample = timeToSample
        self.sampleToChunk = sampleToChunk
        self.sampleSize = sampleSize
        self.chunkOffset = chunkOffset
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        sampleDescription = try children.parseRequired(SampleDescriptionBox.self, in: Self.boxType)
        timeToSample = try children.parseFirst(TimeToSampleBox.self) ?? .init()
        sampleToChunk = try children.parseFirst(SampleToChunkBox.self) ?? .init()
        sampleSize = try children.parseFirst(SampleSizeBox.self) ?? .init()
        chunkOffset = try children.parseFirst(ChunkOffsetBox.self) ?? .init()
    }

    public func writeBody(into writer: inout ByteWriter) {
        sampleDescription.write(into: &writer)
        timeToSample.write(into: &writer)
        sampleToChunk.write(into: &writer)
        sampleSize.write(into: &writer)
        chunkOffset.write(into: &writer)
    }
}

extension BoxBodyReader {
    /// A 32-bit entry_count followed by `count` entries of `entrySize` bytes that must fill the
    /// rest of the box exactly: checked before anything is allocated, so a forged count costs nothing.
    mutating func readEntryCount(entrySize: Int) throws -> Int {
        let count = Int(try readUInt32("entry_count"))
        guard count <= remaining / entrySize else {
            throw SegmenterError(.truncated, "'\(type)' announces \(count) entries of \(entrySize) bytes; \(remaining) bytes remain")
        }
        return count
    }
}
