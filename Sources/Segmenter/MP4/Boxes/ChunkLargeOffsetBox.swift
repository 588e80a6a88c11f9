/// `co64`: where each chunk starts, from the start of the file, in 64 bits: `stco` for files
/// whose chunks start past 4 GiB (ISO/IEC 14496-12 §8.7.5).
///
/// ```
/// aligned(8) class ChunkLargeOffsetBox extends FullBox('co64', version = 0, 0) {
///   unsigned int(32) entry_count;
///   for (i=1; i <= entry_count; i++) { unsigned int(64) chunk_offset; }
/// }
/// ```
public struct ChunkLargeOffsetBox: MP4Box {
    public static let boxType: FourCC = "co64"

    public var chunkOffsets: [UInt64]

    public init(chunkOffsets: [UInt64] = []) { self.chunkOffsets = chunkOffsets }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let count = try body.readEntryCount(entrySize: 8)
        chunkOffsets = []
        chunkOffsets.reserveCapacity(count)
        for _ in 0..<count { chunkOffsets.append(try body.readUInt64("chunk_offset")) }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(chunkOffsets.count))
        for offset in chunkOffsets { writer.write(offset) }
    }
}
