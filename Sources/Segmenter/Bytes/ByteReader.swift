/// Reads integers and byte runs from a buffer, front to back. Integers are big-endian unless
/// the name says `LittleEndian`.
///
/// One vocabulary, as in swift-nio: `read…` returns the value and moves the cursor, `peek…`
/// returns the value at the cursor without moving it, `get…(at:)` returns the value at an offset
/// (counted from the start of the buffer, like `readerIndex`) without moving anything.
/// All of them return `nil` when the buffer is too short and never move the cursor in that
/// case; the typed parsers above turn `nil` into `SegmenterError(.truncated, …)`.
///
/// Generic over the storage, so one reader serves parsers of arrays and array slices and
/// decoders that read a caller's `UnsafeBufferPointer` in place (the RTMP chunk decoder)
/// without copying it. Its methods are `@inlinable` so that other modules get them
/// specialised for their storage: a read costs what a hand-written index expression does.
public struct ByteReader<Bytes: RandomAccessCollection<UInt8>> where Bytes.Index == Int {
    /// The whole buffer; `readerIndex` and `get…(at:)` count from its start (offset 0).
    public let bytes: Bytes
    @usableFromInline var cursor: Int

    @inlinable
    public init(_ bytes: Bytes) {
        self.bytes = bytes
        cursor = 0
    }

    /// Offset of the next byte `read…` returns, from the start of `bytes` (0-based).
    @inlinable
    public var readerIndex: Int { cursor }

    /// Bytes left to read.
    @inlinable
    public var remaining: Int { bytes.count - cursor }

    @inlinable
    public var isAtEnd: Bool { remaining == 0 }

    /// Everything not read yet, without moving the cursor.
    @inlinable
    public var remainingBytes: Bytes.SubSequence { bytes[(bytes.startIndex + cursor)...] }

    // MARK: get (at an offset, no cursor move)

    @inlinable
    public func getUInt8(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[bytes.startIndex + offset]
    }

    @inlinable
    public func getUInt16(at offset: Int) -> UInt16? { getBigEndian(at: offset, byteCount: 2) }

    /// A 24-bit big-endian integer (ISO-BMFF flags, FLV and RTMP timestamps and lengths).
    @inlinable
    public func getUInt24(at offset: Int) -> UInt32? { getBigEndian(at: offset, byteCount: 3) }

    @inlinable
    public func getUInt32(at offset: Int) -> UInt32? { getBigEndian(at: offset, byteCount: 4) }

    @inlinable
    public func getUInt64(at offset: Int) -> UInt64? { getBigEndian(at: offset, byteCount: 8) }

    /// A 16-bit little-endian integer (the RTMP chunk stream id of a 3-byte basic header).
    @inlinable
    public func getUInt16LittleEndian(at offset: Int) -> UInt16? {
        getBigEndian(at: offset, byteCount: 2).map { (value: UInt16) in value.byteSwapped }
    }

    /// A 32-bit little-endian integer (the RTMP message stream id).
    @inlinable
    public func getUInt32LittleEndian(at offset: Int) -> UInt32? {
        getBigEndian(at: offset, byteCount: 4).map { (value: UInt32) in value.byteSwapped }
    }

    @inlinable
    public func getBytes(at offset: Int, count: Int) -> Bytes.SubSequence? {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { return nil }
        let start = bytes.startIndex + offset
        return bytes[start..<(start + count)]
    }

    @inlinable
    func getBigEndian<Value: FixedWidthInteger>(at offset: Int, byteCount: Int) -> Value? {
        guard offset >= 0, offset <= bytes.count, byteCount <= bytes.count - offset else { return nil }
        var value: Value = 0
        var index = bytes.startIndex + offset
        for _ in 0..<byteCount {
            value = value << 8 | Value(bytes[index])
            index += 1
        }
        return value
    }

    // MARK: peek (at the cursor, no cursor move)

    @inlinable public func peekUInt8() -> UInt8? { getUInt8(at: cursor) }
    @inlinable public func peekUInt16() -> UInt16? { getUInt16(at: cursor) }
    @inlinable public func peekUInt24() -> UInt32? { getUInt24(at: cursor) }
    @inlinable public func peekUInt32() -> UInt32? { getUInt32(at: cursor) }
    @inlinable public func peekUInt64() -> UInt64? { getUInt64(at: cursor) }
    @inlinable public func peekUInt16LittleEndian() -> UInt16? { getUInt16LittleEndian(at: cursor) }
    @inlinable public func peekUInt32LittleEndian() -> UInt32? { getUInt32LittleEndian(at: cursor) }
    @inlinable public func peekBytes(_ count: Int) -> Bytes.SubSequence? { getBytes(at: cursor, count: count) }

    // MARK: read (at the cursor, cursor moves past what was read)

    @inlinable public mutating func readUInt8() -> UInt8? { advance(by: 1, peekUInt8()) }
    @inlinable public mutating func readUInt16() -> UInt16? { advance(by: 2, peekUInt16()) }
    @inlinable public mutating func readUInt24() -> UInt32? { advance(by: 3, peekUInt24()) }
    @inlinable public mutating func readUInt32() -> UInt32? { advance(by: 4, peekUInt32()) }
    @inlinable public mutating func readUInt64() -> UInt64? { advance(by: 8, peekUInt64()) }
    @inlinable public mutating func readUInt16LittleEndian() -> UInt16? { advance(by: 2, peekUInt16LittleEndian()) }
    @inlinable public mutating func readUInt32LittleEndian() -> UInt32? { advance(by: 4, peekUInt32LittleEndian()) }
    @inlinable public mutating func readBytes(_ count: Int) -> Bytes.SubSequence? { advance(by: count, peekBytes(count)) }

    /// Moves the cursor forward; `false` (and no move) if fewer than `count` bytes remain.
    @inlinable
    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        cursor += count
        return true
    }

    @inlinable
    mutating func advance<T>(by count: Int, _ value: T?) -> T? {
        guard let value else { return nil }
        cursor += count
        return value
    }
}

extension ByteReader: Sendable where Bytes: Sendable {}

extension Optional {
    /// The typed layer over `ByteReader`/`BitReader`: a `nil` read becomes `.truncated`.
    func orTruncated(_ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line) throws -> Wrapped {
        guard let value = self else { throw SegmenterError(.truncated, what(), file: file, line: line) }
        return value
    }
}
