/// What `AnnexB.toLengthPrefixed(_:)` made of one buffer.
public struct AnnexBConversion: Sendable, Equatable {
    /// The NAL units kept, each behind its 4-byte big-endian length.
    public var lengthPrefixed: [UInt8]
    /// Bytes dropped as garbage: those before the first start code (zero padding excepted) and
    /// each NAL unit with its forbidden_zero_bit set, with its 3-byte start code.
    public var skippedBytes: Int
    /// How many NAL units were dropped for their forbidden_zero_bit.
    public var droppedNALUnits: Int

    public init(lengthPrefixed: [UInt8], skippedBytes: Int, droppedNALUnits: Int) {
        self.lengthPrefixed = lengthPrefixed
        self.skippedBytes = skippedBytes
        self.droppedNALUnits = droppedNALUnits
    }
}
