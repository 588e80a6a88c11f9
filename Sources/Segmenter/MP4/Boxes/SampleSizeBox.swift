/// `stsz`: sample sizes, one for all or one per sample (ISO/IEC 14496-12 §8.7.3.2).
///
/// ```
/// aligned(8) class SampleSizeBox extends FullBox('stsz', version = 0, 0) {
///   unsigned int(32) sample_size;
///   unsigned int(32) sample_count;
///   if (sample_size==0) {
///     for (i=1; i <= sample_count; i++) { unsigned int(32) entry_size; }
///   }
/// }
/// ```
public struct SampleSizeBox: MP4Box {
    public static let boxType: FourCC = "stsz"

    public enum Sizes: Sendable, Equatable {
        /// Every one of `count` samples has `size` bytes (sample_size ≠ 0).
        case constant(size: UInt32, count: UInt32)
        /// One size per sample (sample_size = 0).
        case perSample([UInt32])
    }

    public var sizes: Sizes

    public init(sizes: Sizes = .perSample([])) { self.sizes = sizes }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let sampleSize = try body.readUInt32("sample_size")
        if sampleSize != 0 {
            sizes = .constant(size: sampleSize, count: try body.readUInt32("sample_count"))
            return
        }
        let count = try body.readEntryCount(entrySize: 4)
        var entries: [UInt32] = []
        entries.reserveCapacity(count)
        for _ in 0..<count { entries.append(try body.readUInt32("entry_size")) }
        sizes = .perSample(entries)
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        switch sizes {
        case .constant(let size, let count):
            writer.write(size)
            writer.write(count)
        case .perSample(let entries):
            writer.write(UInt32(0))
            writer.write(UInt32(entries.count))
            for entry in entries { writer.write(entry) }
        }
    }
}
