/// A box we write and parse: one value type per box of ISO/IEC 14496-12, whose serializer and
/// parser sit side by side in its file. The header (size and type) is handled here; a box reads
/// and writes only its body. Full boxes read and write their version and flags themselves.
///
/// Writing follows swift-nio's shape: `ByteWriter.box` writes a size placeholder, the body, then
/// patches the real size. Parsing is strict about what a box holds (every byte accounted for:
/// bytes left after the last field are `.trailingBytes`) and lenient about what it may contain
/// (unknown child boxes are skipped).
public protocol MP4Box: Sendable, Equatable {
    /// The type this box is written with and, by default, the only one it parses.
    static var boxType: FourCC { get }
    /// The type of this value's box: `boxType`, unless one value type covers several (`avc1`/`avc3`).
    var type: FourCC { get }
    /// Whether a box of `type` parses as this value; by default, `type == boxType`.
    static func accepts(_ type: FourCC) -> Bool
    /// Reads the body (the bytes after the header). Bytes it leaves unread are an error.
    init(parsingBody body: inout BoxBodyReader) throws
    /// Writes the body (the bytes after the header).
    func writeBody(into writer: inout ByteWriter)
}

extension MP4Box {
    public var type: FourCC { Self.boxType }

    public static func accepts(_ type: FourCC) -> Bool { type == boxType }

    /// Writes the whole box: header, then body, with the size patched in.
    public func write(into writer: inout ByteWriter) {
        writer.box(type) { writeBody(into: &$0) }
    }

    /// The whole box as bytes.
    public var serialized: [UInt8] {
        var writer = ByteWriter(capacity: 64)
        write(into: &writer)
        return writer.bytes
    }

    /// Parses a box split out by `RawBox.sequence`: `.invalidValue` if it is another type,
    /// `.trailingBytes` if its body holds more than its fields.
    public init(parsing box: RawBox) throws {
        guard Self.accepts(box.type) else {
            throw SegmenterError(.invalidValue, "expected a '\(Self.boxType)' box, found '\(box.type)'")
        }
        var body = BoxBodyReader(box)
        try self.init(parsingBody: &body)
        try body.expectEnd()
    }

    /// Parses `bytes` holding exactly this one box.
    public init(parsing bytes: ArraySlice<UInt8>) throws {
        let boxes = try RawBox.sequence(in: bytes)
        guard let box = boxes.first else { throw SegmenterError(.truncated, "no '\(Self.boxType)' box: the input is empty") }
        guard boxes.count == 1 else {
            throw SegmenterError(.trailingBytes, "\(boxes.count - 1) more boxes follow the '\(Self.boxType)' box")
        }
        try self.init(parsing: box)
    }

    public init(parsing bytes: [UInt8]) throws { try self.init(parsing: bytes[...]) }
}
