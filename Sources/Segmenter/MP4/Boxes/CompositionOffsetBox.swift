/// `ctts`: presentation minus decode time, as runs of samples with equal offsets
/// (ISO/IEC 14496-12 §8.6.1.3). Version 0 offsets are unsigned, version 1 offsets signed.
///
/// ```
/// aligned(8) class CompositionOffsetBox extends FullBox('ctts', version, 0) {
///   unsigned int(32) entry_count;
///   int i;
///   if (version==0) {
///     for (i=0; i < entry_count; i++) {
///       unsigned int(32) sample_count;
///       unsigned int(32) sample_offset;
///     }
///   }
///   else if (version == 1) {
///     for (i=0; i < entry_count; i++) {
///       unsigned int(32) sample_count;
///       signed int(32) sample_offset;
///     }
///   }
/// }
/// ```
/// `init(entries:)` picks version 0 unless an offset is negative: version 1 is newer, and
/// readers that predate it know only version 0.
public struct CompositionOffsetBox: MP4Box {
    public static let boxType: FourCC = "ctts"

    public struct Entry: Sendable, Equatable {
        public var sampleCount: UInt32
        /// Unsigned 32-bit in version 0, signed 32-bit in version 1.
        public var sampleOffset: Int64

        public init(sampleCount: UInt32, sampleOffset: Int64) {
            self.sampleCount = sampleCount
            self.sampleOffset = sampleOffset
        }
    }

    public var version: UInt8
    public var entries: [Entry]

    public init(version: UInt8, entries: [Entry]) {
        self.version = version
        self.entries = entries
    }

    /// Version 1 when an offset is negative, else version 0.
    public init(entries: [Entry] = []) {
        self.init(version: entries.contains { $0.sampleOffset < 0 } ? 1 : 0, entries: entries)
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        (version, _) = try body.readFullBoxHeader(versions: 0...1)
        let count = try body.readEntryCount(entrySize: 8)
        entries = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let sampleCount = try body.readUInt32("sample_count")
            let raw = try body.readUInt32("sample_offset")
            let offset = version == 1 ? Int64(Int32(bitPattern: raw)) : Int64(raw)
            entries.append(Entry(sampleCount: sampleCount, sampleOffset: offset))
        }
    }

    /// Offsets are written in 32 bits: a version 0 value must lie in 0…UInt32.max, a version 1
    /// value in Int32's range.
    public func writeBody(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write24(0)
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.write(entry.sampleCount)
            writer.write(UInt32(truncatingIfNeeded: entry.sampleOffset))
        }
    }
}
