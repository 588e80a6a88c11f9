/// Reads big-endian integers and byte runs from a buffer, front to back.
///
/// One vocabulary, as in swift-nio: `read…` returns the value and moves the cursor, `peek…`
/// returns the value at the cursor without moving it, `get…(at:)` returns the value at an offset
/// (counted from the start of the buffer, like `readerIndex`) without moving anything.
/// All of them return `nil` when the buffer is too short and never move the cursor in that
/// case; the typed parsers above turn `nil` into `SegmenterError(.truncated, …)`.
public struct ByteReader: Sendable {
    /// The whole buffer; `readerIndex` and `get…(at:)` count from its start (offset 0).
    public let bytes: ArraySlice<UInt8>
    /// Offset of the next byte `read…` returns, from the start of `bytes` (0-based).
    public private(set) var readerIndex: Int = 0

    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    public init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    /// Bytes left to read.
    public var remaining: Int { bytes.count - readerIndex }

    public var isAtEnd: Bool { remaining == 0 }

    /// Everything not read yet, without moving the cursor.
    public var remainingBytes: ArraySlice<UInt8> { bytes[(bytes.startIndex + readerIndex)...] }

    // MARK: get (at an offset, no cursor move)

    public func getUInt8(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[bytes.startIndex + offset]
    }

    public func getUInt16(at offset: Int) -> UInt16? {
        getInteger(at: offset, byteCount: 2).map { UInt16(truncatingIfNeeded: $0) }
    }

    /// A 24-bit big-endian integer (ISO-BMFF flags, FLV timestamps).
    public func getUInt24(at offset: Int) -> UInt32? {
        getInteger(at: offset, byteCount: 3).map { UInt32(truncatingIfNeeded: $0) }
    }

    public func getUInt32(at offset: Int) -> UInt32? {
        getInteger(at: offset, byteCount: 4).map { UInt32(truncatingIfNeeded: $0) }
    }

    public func getUInt64(at offset: Int) -> UInt64? {
        getInteger(at: offset, byteCount: 8)
    }

    public func getBytes(at offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { return nil }
        let start = bytes.startIndex + offset
        return bytes[start..<(start + count)]
    }

    private func getInteger(at offset: Int, byteCount: Int) -> UInt64? {
        guard let run = getBytes(at: offset, count: byteCount) else { return nil }
        var value: UInt64 = 0
        for byte in run { value = value << 8 | UInt64(byte) }
        return value
    }

    // MARK: peek (at the cursor, no cursor move)

    public func peekUInt8() -> UInt8? { getUInt8(at: readerIndex) }
    public func peekUInt16() -> UInt16? { getUInt16(at: readerIndex) }
    public func peekUInt24() -> UInt32? { getUInt24(at: readerIndex) }
    public func peekUInt32() -> UInt32? { getUInt32(at: readerIndex) }
    public func peekUInt64() -> UInt64? { getUInt64(at: readerIndex) }
    public func peekBytes(_ count: Int) -> ArraySlice<UInt8>? { getBytes(at: readerIndex, count: count) }

    // MARK: read (at the cursor, cursor moves past what was read)

    public mutating func readUInt8() -> UInt8? { advance(by: 1, peekUInt8()) }
    public mutating func readUInt16() -> UInt16? { advance(by: 2, peekUInt16()) }
    public mutating func readUInt24() -> UInt32? { advance(by: 3, peekUInt24()) }
    public mutating func readUInt32() -> UInt32? { advance(by: 4, peekUInt32()) }
    public mutating func readUInt64() -> UInt64? { advance(by: 8, peekUInt64()) }
    public mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? { advance(by: count, peekBytes(count)) }

    /// Moves the cursor forward; `false` (and no move) if fewer than `count` bytes remain.
    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        readerIndex += count
        return true
    }

    private mutating func advance<T>(by count: Int, _ value: T?) -> T? {
        guard let value else { return nil }
        readerIndex += count
        return value
    }
}

extension Optional {
    /// The typed layer over `ByteReader`/`BitReader`: a `nil` read becomes `.truncated`.
    func orTruncated(_ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line) throws -> Wrapped {
        guard let value = self else { throw SegmenterError(.truncated, what(), file: file, line: line) }
        return value
    }
}
