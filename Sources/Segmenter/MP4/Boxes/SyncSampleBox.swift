/// `stss`: the sync samples (random access points) of a track, by 1-based sample number
/// (ISO/IEC 14496-12 §8.6.2). Without this box every sample is a sync sample.
///
/// ```
/// aligned(8) class SyncSampleBox extends FullBox('stss', version = 0, 0) {
///   unsigned int(32) entry_count;
///   int i;
///   for (i=0; i < entry_count; i++) {
///     unsigned int(32) sample_number;
///   }
/// }
/// ```
public struct SyncSampleBox: MP4Box {
    public static let boxType: FourCC = "stss"

    /// Sample numbers in increasing order, the first sample being 1.
    public var sampleNumbers: [UInt32]

    public init(sampleNumbers: [UInt32] = []) { self.sampleNumbers = sampleNumbers }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let count = try body.readEntryCount(entrySize: 4)
        sampleNumbers = []
        sampleNumbers.reserveCapacity(count)
        for _ in 0..<count { sampleNumbers.append(try body.readUInt32("sample_number")) }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(sampleNumbers.count))
        for number in sampleNumbers { writer.write(number) }
    }
}
