/// `stbl`: the sample descriptions and the tables that place samples in time and in the file
/// (ISO/IEC 14496-12 §8.5.1). In an initialization segment the tables are empty: the samples
/// are in the fragments.
///
/// ```
/// aligned(8) class SampleTableBox extends Box('stbl') { }
///   stsd               sample descriptions (codec configuration)
///   stts               decoding time to sample
///   stss               sync samples (absent: every sample is one)
///   ctts               composition offsets (absent: presentation = decode time)
///   stsc               sample to chunk
///   stsz               sample sizes
///   stco | co64        chunk offsets, 32 or 64 bits
/// ```
/// The tables are written in this order, FFmpeg's; an absent stts, stsc, stsz or chunk offset
/// table reads as empty. Other children (sgpd, sbgp, sdtp, stz2) are skipped.
public struct SampleTableBox: MP4Box {
    public static let boxType: FourCC = "stbl"

    /// The chunk offset table: `stco` while every offset fits 32 bits, else `co64`.
    public enum ChunkOffsets: Sendable, Equatable {
        case stco(ChunkOffsetBox)
        case co64(ChunkLargeOffsetBox)

        /// The number of chunks.
        public var count: Int {
            switch self {
            case .stco(let box): box.chunkOffsets.count
            case .co64(let box): box.chunkOffsets.count
            }
        }

        /// The offsets, widened to 64 bits.
        public var offsets: [UInt64] {
            switch self {
            case .stco(let box): box.chunkOffsets.map(UInt64.init)
            case .co64(let box): box.chunkOffsets
            }
        }
    }

    public var sampleDescription: SampleDescriptionBox
    public var timeToSample: TimeToSampleBox
    public var syncSample: SyncSampleBox?
    public var compositionOffset: CompositionOffsetBox?
    public var sampleToChunk: SampleToChunkBox
    public var sampleSize: SampleSizeBox
    public var chunkOffsets: ChunkOffsets

    public init(
        sampleDescription: SampleDescriptionBox, timeToSample: TimeToSampleBox = .init(), syncSample: SyncSampleBox? = nil,
        compositionOffset: CompositionOffsetBox? = nil, sampleToChunk: SampleToChunkBox = .init(), sampleSize: SampleSizeBox = .init(),
        chunkOffsets: ChunkOffsets = .stco(.init())
    ) {
        self.sampleDescription = sampleDescription
        self.timeToSample = timeToSample
        self.syncSample = syncSample
        self.compositionOffset = compositionOffset
        self.sampleToChunk = sampleToChunk
        self.sampleSize = sampleSize
        self.chunkOffsets = chunkOffsets
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        sampleDescription = try children.parseRequired(SampleDescriptionBox.self, in: Self.boxType)
        timeToSample = try children.parseFirst(TimeToSampleBox.self) ?? .init()
        syncSample = try children.parseFirst(SyncSampleBox.self)
        compositionOffset = try children.parseFirst(CompositionOffsetBox.self)
        sampleToChunk = try children.parseFirst(SampleToChunkBox.self) ?? .init()
        sampleSize = try children.parseFirst(SampleSizeBox.self) ?? .init()
        if let stco = try children.parseFirst(ChunkOffsetBox.self) {
            chunkOffsets = .stco(stco)
        } else if let co64 = try children.parseFirst(ChunkLargeOffsetBox.self) {
            chunkOffsets = .co64(co64)
        } else {
            chunkOffsets = .stco(.init())
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        sampleDescription.write(into: &writer)
        timeToSample.write(into: &writer)
        syncSample?.write(into: &writer)
        compositionOffset?.write(into: &writer)
        sampleToChunk.write(into: &writer)
        sampleSize.write(into: &writer)
        switch chunkOffsets {
        case .stco(let box): box.write(into: &writer)
        case .co64(let box): box.write(into: &writer)
        }
    }
}

extension BoxBodyReader {
    /// A 32-bit entry_count followed by `count` entries of `entrySize` bytes that must fill the
    /// rest of the box exactly: checked before anything is allocated, so a forged count costs
    /// nothing. `.limitExceeded` past `limit`, `.truncated` when the entries cannot fit.
    mutating func readEntryCount(entrySize: Int, limit: Int = MP4Limits.maxSampleTableEntries) throws -> Int {
        let count = Int(try readUInt32("entry_count"))
        guard count <= limit else {
            throw SegmenterError(.limitExceeded, "'\(type)' announces \(count) entries; at most \(limit) are read")
        }
        guard count <= remaining / entrySize else {
            throw SegmenterError(.truncated, "'\(type)' announces \(count) entries of \(entrySize) bytes; \(remaining) bytes remain")
        }
        return count
    }
}
