/// Reads the fields of one box's body. The typed layer over `ByteReader`: a short read throws
/// `.truncated` naming the box and the field, and `expectEnd` turns leftover bytes into
/// `.trailingBytes`.
public struct BoxBodyReader: Sendable {
    /// The type of the box being read (for error messages).
    public let type: FourCC
    /// The box's depth; its children are one deeper.
    public let depth: Int
    private var reader: ByteReader<ArraySlice<UInt8>>

    public init(_ box: RawBox) {
        type = box.type
        depth = box.depth
        reader = ByteReader(box.body)
    }

    public var remaining: Int { reader.remaining }
    public var isAtEnd: Bool { reader.isAtEnd }

    public mutating func readUInt8(_ field: @autoclosure () -> String) throws -> UInt8 {
        try reader.readUInt8().orTruncated("'\(type)' ends before its \(field())")
    }

    public mutating func readUInt16(_ field: @autoclosure () -> String) throws -> UInt16 {
        try reader.readUInt16().orTruncated("'\(type)' ends before its \(field())")
    }

    public mutating func readUInt24(_ field: @autoclosure () -> String) throws -> UInt32 {
        try reader.readUInt24().orTruncated("'\(type)' ends before its \(field())")
    }

    public mutating func readUInt32(_ field: @autoclosure () -> String) throws -> UInt32 {
        try reader.readUInt32().orTruncated("'\(type)' ends before its \(field())")
    }

    public mutating func readUInt64(_ field: @autoclosure () -> String) throws -> UInt64 {
        try reader.readUInt64().orTruncated("'\(type)' ends before its \(field())")
    }

    public mutating func readInt16(_ field: @autoclosure () -> String) throws -> Int16 {
        Int16(bitPattern: try readUInt16(field()))
    }

    public mutating func readInt32(_ field: @autoclosure () -> String) throws -> Int32 {
        Int32(bitPattern: try readUInt32(field()))
    }

    public mutating func readFourCC(_ field: @autoclosure () -> String) throws -> FourCC {
        FourCC(rawValue: try readUInt32(field()))
    }

    public mutating func readBytes(_ count: Int, _ field: @autoclosure () -> String) throws -> ArraySlice<UInt8> {
        try reader.readBytes(count).orTruncated("'\(type)' ends before its \(field()) (\(count) bytes)")
    }

    public mutating func skip(_ count: Int, _ field: @autoclosure () -> String) throws {
        guard reader.skip(count) else { throw SegmenterError(.truncated, "'\(type)' ends before its \(field())") }
    }

    /// A 32-bit time or duration in version 0, a 64-bit one in version 1.
    public mutating func readVersioned(_ version: UInt8, _ field: @autoclosure () -> String) throws -> UInt64 {
        version == 1 ? try readUInt64(field()) : UInt64(try readUInt32(field()))
    }

    /// The version and flags that open a FullBox. A version outside `versions` is `.unsupported`:
    /// its layout is unknown, so none of its fields can be trusted.
    public mutating func readFullBoxHeader(versions: ClosedRange<UInt8> = 0...0) throws -> (version: UInt8, flags: UInt32) {
        let version = try readUInt8("version")
        guard versions.contains(version) else {
            throw SegmenterError(
                .unsupported, "'\(type)' version \(version); versions \(versions.lowerBound)…\(versions.upperBound) are defined")
        }
        return (version, try readUInt24("flags"))
    }

    /// Everything not read yet.
    public mutating func readRest() -> ArraySlice<UInt8> {
        reader.readBytes(reader.remaining) ?? []
    }

    /// The rest of the body as child boxes, one level deeper.
    public mutating func readChildren() throws -> [RawBox] {
        try RawBox.sequence(in: readRest(), depth: depth + 1)
    }

    /// Throws `.trailingBytes` unless every byte of the body was read.
    public func expectEnd() throws {
        guard reader.isAtEnd else {
            throw SegmenterError(.trailingBytes, "'\(type)' holds \(reader.remaining) bytes after its last field")
        }
    }
}
