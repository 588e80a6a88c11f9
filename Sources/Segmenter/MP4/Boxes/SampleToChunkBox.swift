/// `stsc`: how many samples each chunk holds, as runs of chunks (ISO/IEC 14496-12 §8.7.4).
///
/// ```
/// aligned(8) class SampleToChunkBox extends FullBox('stsc', version = 0, 0) {
///   unsigned int(32) entry_count;
///   for (i=1; i <= entry_count; i++) {
///     unsigned int(32) first_chunk;
///     unsigned int(32) samples_per_chunk;
///     unsigned int(32) sample_description_index;
///   }
/// }
/// ```
public struct SampleToChunkBox: MP4Box {
    public static let boxType: FourCC = "stsc"

    public struct Entry: Sendable, Equatable {
        public var firstChunk: UInt32
        public var samplesPerChunk: UInt32
        public var sampleDescriptionIndex: UInt32

        public init(firstChunk: UInt32, samplesPerChunk: UInt32, sampleDescriptionIndex: UInt32 = 1) {
            self.firstChunk = firstChunk
            self.samplesPerChunk = samplesPerChunk
            self.sampleDescriptionIndex = sampleDescriptionIndex
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let count = try body.readEntryCount(entrySize: 12)
        entries = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            entries.append(
                Entry(
                    firstChunk: try body.readUInt32("first_chunk"), samplesPerChunk: try body.readUInt32("samples_per_chunk"),
                    sampleDescriptionIndex: try body.readUInt32("sample_description_index")))
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.write(entry.firstChunk)
            writer.write(entry.samplesPerChunk)
            writer.write(entry.sampleDescriptionIndex)
        }
    }
}
