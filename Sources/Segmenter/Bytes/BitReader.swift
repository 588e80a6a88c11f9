/// Reads bit fields, most significant bit first, from an RBSP (a NAL unit payload whose
/// emulation-prevention bytes have already been removed, see `AnnexB.removeEmulationPrevention`)
/// or from any other bit-packed structure (AudioSpecificConfig, ADTS).
///
/// Every read throws `SegmenterError(.truncated, …)` when the data ends first; a failed read
/// leaves the position unchanged.
public struct BitReader: Sendable {
    public let bytes: [UInt8]
    /// Bits consumed so far, from the first bit of `bytes`.
    public private(set) var bitPosition: Int = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ bytes: ArraySlice<UInt8>) { self.bytes = Array(bytes) }

    public var bitsRemaining: Int { bytes.count * 8 - bitPosition }

    public var isByteAligned: Bool { bitPosition % 8 == 0 }

    /// Reads `count` bits (0…32) as an unsigned integer, first bit most significant.
    public mutating func readBits(_ count: Int) throws -> UInt32 {
        precondition((0...32).contains(count), "readBits reads 0 to 32 bits")
        guard count <= bitsRemaining else {
            throw SegmenterError(.truncated, "bit field of \(count) bits runs past the end of \(bytes.count) bytes")
        }
        var value: UInt64 = 0
        var left = count
        while left > 0 {
            let byte = bytes[bitPosition >> 3]
            let used = bitPosition & 7
            let take = min(8 - used, left)
            let bits = (UInt64(byte) >> UInt64(8 - used - take)) & ((1 << UInt64(take)) - 1)
            value = value << UInt64(take) | bits
            bitPosition += take
            left -= take
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// One bit as 0 or 1.
    public mutating func readBit() throws -> UInt32 { try readBits(1) }

    /// One bit as a flag (`u(1)` in the H.264 syntax tables).
    public mutating func readFlag() throws -> Bool { try readBits(1) == 1 }

    public mutating func skipBits(_ count: Int) throws {
        precondition(count >= 0, "cannot skip backwards")
        guard count <= bitsRemaining else {
            throw SegmenterError(.truncated, "skipping \(count) bits runs past the end of \(bytes.count) bytes")
        }
        bitPosition += count
    }

    /// Unsigned Exp-Golomb, `ue(v)` (ITU-T H.264 §9.1): `leadingZeroBits` zeros, a one, then
    /// `leadingZeroBits` bits; the value is 2^leadingZeroBits − 1 + those bits. Values up to
    /// 2^32 − 2 (31 leading zeros) are accepted; more zeros is not a valid code.
    public mutating func readUE() throws -> UInt32 {
        let start = bitPosition
        var leadingZeros = 0
        while true {
            guard bitsRemaining > 0 else {
                bitPosition = start
                throw SegmenterError(.truncated, "Exp-Golomb code runs past the end of \(bytes.count) bytes")
            }
            if try readBit() == 1 { break }
            leadingZeros += 1
            if leadingZeros > 31 {
                bitPosition = start
                throw SegmenterError(.invalidValue, "Exp-Golomb code with more than 31 leading zero bits")
            }
        }
        do {
            let suffix = UInt64(try readBits(leadingZeros))
            return UInt32((1 << UInt64(leadingZeros)) - 1 + suffix)
        } catch {
            bitPosition = start
            throw error
        }
    }

    /// Signed Exp-Golomb, `se(v)` (§9.1.1): code k maps to (−1)^(k+1) · ⌈k ÷ 2⌉.
    public mutating func readSE() throws -> Int32 {
        let code = Int64(try readUE())
        let magnitude = (code + 1) / 2
        return Int32(code % 2 == 1 ? magnitude : -magnitude)
    }

    /// Skips to the next byte boundary (no-op when already aligned).
    public mutating func alignToByte() {
        bitPosition = (bitPosition + 7) & ~7
    }
}
