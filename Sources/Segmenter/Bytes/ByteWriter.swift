/// Appends big-endian integers and bytes to a growing buffer. `write…` appends at the end;
/// `set…` overwrites at an index already written (for sizes and offsets patched afterwards).
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func write24(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public mutating func write(_ value: Int16) { write(UInt16(bitPattern: value)) }

    public mutating func write(_ value: Int32) { write(UInt32(bitPattern: value)) }

    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func write(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }

    /// Writes a four-character code such as `moov`. Precondition: exactly four ASCII characters.
    public mutating func writeFourCC(_ code: StaticString) {
        precondition(code.utf8CodeUnitCount == 4, "a four-character code has four characters")
        code.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func writeZeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

    public mutating func set(_ value: UInt32, at index: Int) {
        bytes[index] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[index + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[index + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[index + 3] = UInt8(truncatingIfNeeded: value)
    }

    /// Writes an ISO-BMFF box: a size placeholder, the type, whatever `body` writes, then the
    /// real size patched in. Boxes over 4 GiB are not something a segmenter writes.
    public mutating func box(_ type: FourCC, _ body: (inout ByteWriter) -> Void) {
        let start = bytes.count
        write(UInt32(0))
        write(type)
        body(&self)
        guard let size = UInt32(exactly: bytes.count - start) else {
            preconditionFailure("box \(type) is larger than 4 GiB")
        }
        set(size, at: start)
    }

    /// A FullBox: a box whose body starts with an 8-bit version and 24-bit flags.
    public mutating func fullBox(_ type: FourCC, version: UInt8, flags: UInt32, _ body: (inout ByteWriter) -> Void) {
        box(type) { writer in
            writer.write(version)
            writer.write24(flags)
            body(&writer)
        }
    }
}
