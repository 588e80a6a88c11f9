/// `dinf` > `dref` > `url `: where a track's media data lives (ISO/IEC 14496-12 §8.7.1–8.7.2).
/// Ours is always one `url ` entry with flag 1: the data is in the same file.
///
/// ```
/// aligned(8) class DataInformationBox extends Box('dinf') { }
/// aligned(8) class DataReferenceBox extends FullBox('dref', version = 0, 0) {
///   unsigned int(32) entry_count;
///   for (i=1; i <= entry_count; i++) { DataEntryBaseBox(entry_type, entry_flags) data_entry; }
/// }
/// aligned(8) class DataEntryUrlBox (bit(24) flags) extends FullBox('url ', version = 0, flags) {
///   utf8string location;  // absent when flags & 1 (media data in the same file)
/// }
/// ```
public struct DataInformationBox: MP4Box {
    public static let boxType: FourCC = "dinf"

    /// One `url ` entry that points into the same file.
    public static let selfContained = DataInformationBox(dataReference: DataReferenceBox(entries: [.url(DataEntryUrlBox())]))

    public var dataReference: DataReferenceBox

    public init(dataReference: DataReferenceBox) { self.dataReference = dataReference }

    public init(parsingBody body: inout BoxBodyReader) throws {
        dataReference = try body.readChildren().parseRequired(DataReferenceBox.self, in: Self.boxType)
    }

    public func writeBody(into writer: inout ByteWriter) { dataReference.write(into: &writer) }
}

public struct DataReferenceBox: MP4Box {
    public static let boxType: FourCC = "dref"

    public enum Entry: Sendable, Equatable {
        case url(DataEntryUrlBox)
        /// `urn `, QuickTime's `alis` and other kinds, kept as they are.
        case other(RawBox)
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        let count = try body.readUInt32("entry_count")
        let children = try body.readChildren()
        guard children.count == count else {
            throw SegmenterError(.invalidValue, "'dref' entry_count is \(count) but it holds \(children.count) entries")
        }
        entries = try children.map { try $0.type == DataEntryUrlBox.boxType ? .url(DataEntryUrlBox(parsing: $0)) : .other($0) }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(entries.count))
        for entry in entries {
            switch entry {
            case .url(let url): url.write(into: &writer)
            case .other(let box): box.write(into: &writer)
            }
        }
    }
}

public struct DataEntryUrlBox: MP4Box {
    public static let boxType: FourCC = "url "
    /// entry_flags bit 0: the media data is in the file holding this box.
    public static let sameFile: UInt32 = 0x1

    public var flags: UInt32
    /// The URL of the data; nil when `flags` has `sameFile`.
    public var location: String?

    public init(flags: UInt32 = sameFile, location: String? = nil) {
        self.flags = flags
        self.location = location
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        flags = try body.readFullBoxHeader().flags
        if flags & Self.sameFile != 0 {
            location = nil
        } else {
            let rest = body.readRest()
            location = String(decoding: rest.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt8(0))
        writer.write24(flags)
        if flags & Self.sameFile == 0, let location {
            writer.write(location.utf8)
            writer.write(UInt8(0))
        }
    }
}
