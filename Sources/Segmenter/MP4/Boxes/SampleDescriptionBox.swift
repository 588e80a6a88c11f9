/// `stsd`: the sample entries of a track, each naming a codec and carrying its configuration
/// (ISO/IEC 14496-12 §8.5.2). We write one entry per track.
///
/// ```
/// aligned(8) class SampleDescriptionBox() extends FullBox('stsd', version, 0) {
///   int i;
///   unsigned int(32) entry_count;
///   for (i = 1 ; i <= entry_count ; i++) {
///     SampleEntry();  // an instance of a class derived from SampleEntry
///   }
/// }
/// ```
public struct SampleDescriptionBox: MP4Box {
    public static let boxType: FourCC = "stsd"

    public var entries: [SampleEntry]

    public init(entries: [SampleEntry]) { self.entries = entries }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader(versions: 0...1)
        let count = try body.readUInt32("entry_count")
        let children = try body.readChildren()
        guard children.count == count else {
            throw SegmenterError(.invalidValue, "'stsd' entry_count is \(count) but it holds \(children.count) entries")
        }
        entries = try children.map(SampleEntry.init(parsing:))
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(entries.count))
        for entry in entries { entry.write(into: &writer) }
    }
}
