/// `stts`: decoding durations as runs of equal deltas (ISO/IEC 14496-12 §8.6.1.2).
///
/// ```
/// aligned(8) class TimeToSampleBox extends FullBox('stts', version = 0, 0) {
///   unsigned int(32) entry_count;
///   for (i=0; i < entry_count; i++) {
///     unsigned int(32) sample_count;
///     unsigned int(32) sample_delta;
///   }
/// }
/// ```
public struct TimeToSampleBox: MP4Box {
    public static let boxType: FourCC = "stts"

    public struct Entry: Sendable, Equatable {
        public var sampleCount: UInt32
        public var sampleDelta: UInt32

        public init(sampleCount: UInt32, sampleDelta: UInt32) {
            self.sampleCount = sampleCount
            self.sampleDelta = sampleDelta
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let count = try body.readEntryCount(entrySize: 8)
        entries = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            entries.append(Entry(sampleCount: try body.readUInt32("sample_count"), sampleDelta: try body.readUInt32("sample_delta")))
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.write(entry.sampleCount)
            writer.write(entry.sampleDelta)
        }
    }
}
