/// `stco`: where each chunk starts, from the start of the file (ISO/IEC 14496-12 §8.7.5).
///
/// ```
/// aligned(8) class ChunkOffsetBox extends FullBox('stco', version = 0, 0) {
///   unsigned int(32) entry_count;
///   for (i=1; i <= entry_count; i++) { unsigned int(32) chunk_offset; }
/// }
/// ```
public struct ChunkOffsetBox: MP4Box {
    public static let boxType: FourCC = "stco"

    public var chunkOffsets: [UInt32]

    public init(chunkOffsets: [UInt32] = []) { self.chunkOffsets = chunkOffsets }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let count = try body.readEntryCount(entrySize: 4)
        chunkOffsets = []
        chunkOffsets.reserveCapacity(count)
        for _ in 0..<count { chunkOffsets.append(try body.readUInt32("chunk_offset")) }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(chunkOffsets.count))
        for offset in chunkOffsets { writer.write(offset) }
    }
}
