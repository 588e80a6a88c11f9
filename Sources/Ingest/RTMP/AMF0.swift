import Segmenter

/// An Action Message Format 0 value (Adobe AMF0 specification, 2007).
///
/// ```
/// value-type-marker = number-marker (0x00) DOUBLE | boolean-marker (0x01) U8
///                   | string-marker (0x02) UTF-8 (U16 length) | object-marker (0x03) *(object-property) object-end
///                   | null-marker (0x05) | undefined-marker (0x06)
///                   | ecma-array-marker (0x08) U32 *(object-property) object-end
///                   | strict-array-marker (0x0A) U32 *(value-type) | date-marker (0x0B) DOUBLE S16
///                   | long-string-marker (0x0C) UTF-8-long (U32 length)
/// object-property   = UTF-8 value-type | UTF-8-empty object-end-marker (0x09)
/// ```
/// References (0x07), XML and typed objects are not used by encoders and are rejected.
public enum AMF0Value: Sendable, Equatable {
    case number(Double)
    case boolean(Bool)
    case string(String)
    case object([(String, AMF0Value)])
    case null
    case undefined
    case ecmaArray([(String, AMF0Value)])
    case strictArray([AMF0Value])
    case date(Double)

    public static func == (lhs: AMF0Value, rhs: AMF0Value) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)), (.date(let a), .date(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.null, .null), (.undefined, .undefined): true
        case (.object(let a), .object(let b)), (.ecmaArray(let a), .ecmaArray(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.strictArray(let a), .strictArray(let b)): a == b
        default: false
        }
    }

    /// The value of `key` in an object or ECMA array.
    public subscript(key: String) -> AMF0Value? {
        switch self {
        case .object(let entries), .ecmaArray(let entries): entries.first { $0.0 == key }?.1
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

// MARK: - Decoding

public enum AMF0 {
    /// Every value in `bytes`, front to back (a command is a sequence of values).
    public static func decodeAll(_ bytes: some Collection<UInt8>) throws(IngestError) -> [AMF0Value] {
        var reader = ByteReader(Array(bytes))
        var values: [AMF0Value] = []
        while !reader.isAtEnd {
            guard values.count < RTMPLimits.maximumAMFEntries else {
                throw IngestError(.limitExceeded, "AMF0: more than \(RTMPLimits.maximumAMFEntries) values in one message")
            }
            values.append(try decodeValue(&reader, depth: 0))
        }
        return values
    }

    static func decodeValue(_ reader: inout ByteReader<[UInt8]>, depth: Int) throws(IngestError) -> AMF0Value {
        guard depth < RTMPLimits.maximumAMFDepth else {
            throw IngestError(.limitExceeded, "AMF0: nesting deeper than \(RTMPLimits.maximumAMFDepth)")
        }
        guard let marker = reader.readUInt8() else { throw truncated }
        switch marker {
        case 0x00: return .number(try readDouble(&reader))
        case 0x01:
            guard let byte = reader.readUInt8() else { throw truncated }
            return .boolean(byte != 0)
        case 0x02: return .string(try readString(&reader, longLength: false))
        case 0x03: return .object(try readProperties(&reader, depth: depth))
        case 0x05: return .null
        case 0x06: return .undefined
        case 0x08:
            guard reader.readUInt32() != nil else { throw truncated }  // a hint only; the end marker decides
            return .ecmaArray(try readProperties(&reader, depth: depth))
        case 0x0A:
            guard let count = reader.readUInt32() else { throw truncated }
            guard count <= RTMPLimits.maximumAMFEntries else {
                throw IngestError(.limitExceeded, "AMF0: strict array of \(count) entries exceeds \(RTMPLimits.maximumAMFEntries)")
            }
            var items: [AMF0Value] = []
            for _ in 0..<count { items.append(try decodeValue(&reader, depth: depth + 1)) }
            return .strictArray(items)
        case 0x0B:
            let time = try readDouble(&reader)
            guard reader.readUInt16() != nil else { throw truncated }
            return .date(time)
        case 0x0C: return .string(try readString(&reader, longLength: true))
        default:
            throw IngestError(.invalidStream, "AMF0: unsupported type marker 0x\(String(marker, radix: 16))")
        }
    }

    private static var truncated: IngestError { IngestError(.invalidStream, "AMF0: value cut off") }

    private static func readDouble(_ reader: inout ByteReader<[UInt8]>) throws(IngestError) -> Double {
        guard let bits = reader.readUInt64() else { throw truncated }
        return Double(bitPattern: bits)
    }

    private static func readString(_ reader: inout ByteReader<[UInt8]>, longLength: Bool) throws(IngestError) -> String {
        let length: Int
        if longLength {
            guard let value = reader.readUInt32() else { throw truncated }
            length = Int(value)
        } else {
            guard let value = reader.readUInt16() else { throw truncated }
            length = Int(value)
        }
        guard let bytes = reader.readBytes(length) else { throw truncated }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func readProperties(_ reader: inout ByteReader<[UInt8]>, depth: Int) throws(IngestError) -> [(String, AMF0Value)] {
        var entries: [(String, AMF0Value)] = []
        while true {
            let key = try readString(&reader, longLength: false)
            if key.isEmpty, reader.peekUInt8() == 0x09 {
                _ = reader.readUInt8()
                return entries
            }
            guard entries.count < RTMPLimits.maximumAMFEntries else {
                throw IngestError(.limitExceeded, "AMF0: object with more than \(RTMPLimits.maximumAMFEntries) entries")
            }
            entries.append((key, try decodeValue(&reader, depth: depth + 1)))
        }
    }
}

// MARK: - Encoding

extension AMF0 {
    public static func encode(_ values: [AMF0Value]) -> [UInt8] {
        var writer = ByteWriter()
        for value in values { encode(value, into: &writer) }
        return writer.bytes
    }

    static func encode(_ value: AMF0Value, into writer: inout ByteWriter) {
        switch value {
        case .number(let number):
            writer.write(UInt8(0x00))
            writer.write(number.bitPattern)
        case .boolean(let flag):
            writer.write(UInt8(0x01))
            writer.write(UInt8(flag ? 1 : 0))
        case .string(let string):
            let utf8 = Array(string.utf8)
            if utf8.count > 0xFFFF {
                writer.write(UInt8(0x0C))
                writer.write(UInt32(utf8.count))
            } else {
                writer.write(UInt8(0x02))
                writer.write(UInt16(utf8.count))
            }
            writer.write(utf8)
        case .object(let entries):
            writer.write(UInt8(0x03))
            encodeProperties(entries, into: &writer)
        case .null: writer.write(UInt8(0x05))
        case .undefined: writer.write(UInt8(0x06))
        case .ecmaArray(let entries):
            writer.write(UInt8(0x08))
            writer.write(UInt32(entries.count))
            encodeProperties(entries, into: &writer)
        case .strictArray(let items):
            writer.write(UInt8(0x0A))
            writer.write(UInt32(items.count))
            for item in items { encode(item, into: &writer) }
        case .date(let time):
            writer.write(UInt8(0x0B))
            writer.write(time.bitPattern)
            writer.write(UInt16(0))
        }
    }

    private static func encodeProperties(_ entries: [(String, AMF0Value)], into writer: inout ByteWriter) {
        for (key, value) in entries {
            let utf8 = Array(key.utf8.prefix(0xFFFF))
            writer.write(UInt16(utf8.count))
            writer.write(utf8)
            encode(value, into: &writer)
        }
        writer.write(UInt16(0))
        writer.write(UInt8(0x09))
    }
}
