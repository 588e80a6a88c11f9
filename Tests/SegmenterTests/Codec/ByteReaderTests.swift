import Testing

@testable import Segmenter

@Suite struct ByteReaderTests {
    @Test func readsBigEndianIntegersAndMovesTheCursor() {
        var reader = ByteReader([
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
        ])
        #expect(reader.readUInt8() == 0x01)
        #expect(reader.readUInt16() == 0x0203)
        #expect(reader.readUInt24() == 0x04_0506)
        #expect(reader.readUInt32() == 0x0708_090a)
        #expect(reader.readUInt64() == 0x0b0c_0d0e_0f10_1112)
        #expect(reader.remaining == 0)
        #expect(reader.isAtEnd)
        #expect(reader.readUInt8() == nil)
    }

    @Test func shortReadReturnsNilAndDoesNotMove() {
        var reader = ByteReader([0xaa, 0xbb, 0xcc])
        #expect(reader.readUInt32() == nil)
        #expect(reader.readerIndex == 0)
        #expect(reader.readBytes(4) == nil)
        #expect(reader.readBytes(-1) == nil)
        let skippedTooFar = reader.skip(4)
        #expect(!skippedTooFar)
        #expect(reader.readBytes(3) == [0xaa, 0xbb, 0xcc])
        #expect(reader.readBytes(0) == [])
    }

    @Test func peekAndGetDoNotMove() {
        var reader = ByteReader([0x00, 0x11, 0x22, 0x33, 0x44])
        let skippedOne = reader.skip(1)
        #expect(skippedOne)
        #expect(reader.peekUInt16() == 0x1122)
        #expect(reader.peekBytes(2) == [0x11, 0x22])
        #expect(reader.getUInt8(at: 0) == 0x00)
        #expect(reader.getUInt32(at: 1) == 0x1122_3344)
        #expect(reader.getUInt32(at: 2) == nil)
        #expect(reader.getUInt8(at: -1) == nil)
        #expect(reader.getBytes(at: 5, count: 0) == [])
        #expect(reader.getBytes(at: 4, count: 2) == nil)
        #expect(reader.readerIndex == 1)
        #expect(reader.remaining == 4)
        #expect(reader.remainingBytes == [0x11, 0x22, 0x33, 0x44])
    }

    @Test func littleEndianReads() {
        var reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06])
        #expect(reader.readUInt16LittleEndian() == 0x0201)
        #expect(reader.peekUInt32LittleEndian() == 0x0605_0403)
        #expect(reader.getUInt16LittleEndian(at: 4) == 0x0605)
        #expect(reader.getUInt32LittleEndian(at: 3) == nil)
        #expect(reader.readUInt32LittleEndian() == 0x0605_0403)
        #expect(reader.readUInt16LittleEndian() == nil)
        #expect(reader.isAtEnd)
    }

    /// The same reads over a caller's buffer, read in place (how the RTMP chunk decoder uses it).
    @Test func readsAnUnsafeBufferInPlace() {
        let bytes: [UInt8] = [0xee, 0x03, 0x00, 0x01, 0x02, 0xff, 0xff, 0xff, 0x14, 0x01, 0x00, 0x00, 0x00, 0xaa]
        bytes.withUnsafeBufferPointer { whole in
            var reader = ByteReader(UnsafeBufferPointer(rebasing: whole[1...]))
            #expect(reader.readUInt8() == 0x03)
            #expect(reader.readUInt24() == 0x00_0102)
            #expect(reader.readUInt24() == 0xff_ffff)
            #expect(reader.readUInt8() == 0x14)
            #expect(reader.readUInt32LittleEndian() == 1)
            let payload = reader.readBytes(1)
            #expect(payload.map(Array.init) == [0xaa])
            #expect(payload?.base.baseAddress == whole.baseAddress.map { $0 + 1 }, "a slice of the caller's buffer, not a copy")
            #expect(reader.readerIndex == 13 && reader.isAtEnd)
            #expect(reader.readUInt8() == nil)
        }
    }

    @Test func offsetsCountFromTheStartOfASlice() {
        let whole: [UInt8] = [9, 9, 9, 0x01, 0x02]
        var reader = ByteReader(whole[3...])
        #expect(reader.getUInt8(at: 0) == 0x01)
        #expect(reader.readUInt16() == 0x0102)
        #expect(reader.readUInt8() == nil)
    }
}

@Suite struct BitReaderTests {
    @Test func readsFieldsAcrossByteBoundaries() throws {
        var bits = BitReader([0b1010_1100, 0b0101_0011, 0xff, 0x00, 0x12, 0x34])
        #expect(try bits.readBit() == 1)
        #expect(try bits.readFlag() == false)
        #expect(try bits.readBits(3) == 0b101)
        #expect(try bits.readBits(6) == 0b100_010)
        try bits.skipBits(5)
        #expect(bits.isByteAligned)
        #expect(try bits.readBits(0) == 0)
        #expect(try bits.readBits(32) == 0xff00_1234)
        #expect(bits.bitsRemaining == 0)
    }

    @Test func truncationThrowsAndKeepsPosition() throws {
        var bits = BitReader([0xff])
        try bits.skipBits(3)
        #expect(segmenterErrorCode { _ = try bits.readBits(6) } == .truncated)
        #expect(bits.bitPosition == 3)
        #expect(segmenterErrorCode { try bits.skipBits(6) } == .truncated)
        #expect(try bits.readBits(5) == 0b11111)
    }

    /// ITU-T H.264 Table 9-2 and 9-3: bit strings, code numbers and signed values.
    @Test(arguments: [
        ("1", UInt32(0), Int32(0)), ("010", 1, 1), ("011", 2, -1), ("00100", 3, 2), ("00101", 4, -2),
        ("00110", 5, 3), ("00111", 6, -3), ("0001000", 7, 4), ("000010001", 16, -8),
    ])
    func expGolomb(bitString: String, codeNum: UInt32, signed: Int32) throws {
        var writer = CodecTestBitWriter()
        for character in bitString { writer.bits(character == "1" ? 1 : 0, 1) }
        writer.bits(0, 7)  // padding so the code is followed by something
        var unsigned = BitReader(writer.bytes)
        #expect(try unsigned.readUE() == codeNum)
        #expect(unsigned.bitPosition == bitString.count)
        var signedReader = BitReader(writer.bytes)
        #expect(try signedReader.readSE() == signed)
    }

    @Test func largestExpGolombValues() throws {
        var writer = CodecTestBitWriter()
        writer.ue(UInt64(UInt32.max) - 1)  // 31 zeros, a one, 31 ones
        writer.se(-Int64(Int32.max))
        var bits = BitReader(writer.bytes)
        #expect(try bits.readUE() == UInt32.max - 1)
        #expect(try bits.readSE() == -Int32.max)
    }

    @Test func overlongAndTruncatedExpGolomb() {
        var zeros = BitReader([UInt8](repeating: 0, count: 5))
        #expect(segmenterErrorCode { _ = try zeros.readUE() } == .invalidValue)
        #expect(zeros.bitPosition == 0)
        var cut = BitReader([0b0000_0001])  // 7 zeros, a one, then 7 bits missing
        #expect(segmenterErrorCode { _ = try cut.readUE() } == .truncated)
        #expect(cut.bitPosition == 0)
        var empty = BitReader([])
        #expect(segmenterErrorCode { _ = try empty.readUE() } == .truncated)
    }
}
