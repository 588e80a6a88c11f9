/// A four-character code: a box type (`moof`), a brand (`iso6`) or a handler type (`vide`),
/// stored as the 32-bit big-endian integer it is on the wire.
public struct FourCC: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Precondition: exactly four ASCII characters, as every code in ISO/IEC 14496-12 is.
    public init(stringLiteral code: StaticString) {
        precondition(code.utf8CodeUnitCount == 4, "a four-character code has four characters")
        self.rawValue = code.withUTF8Buffer { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }

    /// The four characters when they are printable ASCII (every registered code), else hex.
    public var description: String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> (24 - 8 * $0)) }
        guard bytes.allSatisfy({ (0x20...0x7e).contains($0) }) else { return "0x" + bytes.map(hexByte).joined() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ByteWriter {
    public mutating func write(_ code: FourCC) { write(code.rawValue) }
}

extension ByteReader {
    public mutating func readFourCC() -> FourCC? { readUInt32().map(FourCC.init(rawValue:)) }
}
