/// The general part of HEVC's profile_tier_level( 1, maxNumSubLayersMinus1 ) (ITU-T H.265
/// §7.3.3): what the hvcC record and the CODECS string repeat. Sub-layer profiles and levels
/// are read only to get past them.
///
/// ```
/// profile_tier_level( profilePresentFlag, maxNumSubLayersMinus1 ) {
///   general_profile_space                         u(2)
///   general_tier_flag                             u(1)
///   general_profile_idc                           u(5)
///   for( j = 0; j < 32; j++ )
///     general_profile_compatibility_flag[ j ]     u(1)
///   general_progressive_source_flag … (44 more constraint bits, general_inbld_flag or reserved last)   u(48) in all
///   general_level_idc                             u(8)
///   for( i = 0; i < maxNumSubLayersMinus1; i++ ) {
///     sub_layer_profile_present_flag[ i ]         u(1)
///     sub_layer_level_present_flag[ i ]           u(1)
///   }
///   if( maxNumSubLayersMinus1 > 0 )
///     for( i = maxNumSubLayersMinus1; i < 8; i++ )
///       reserved_zero_2bits                       u(2)
///   for( i = 0; i < maxNumSubLayersMinus1; i++ ) {
///     if( sub_layer_profile_present_flag[ i ] )   88 bits of sub-layer profile
///     if( sub_layer_level_present_flag[ i ] )     sub_layer_level_idc[ i ] u(8)
///   }
/// }
/// ```
public struct HEVCProfileTierLevel: Sendable, Equatable {
    /// 0 for every profile defined so far; 1…3 are reserved for future use.
    public var profileSpace: UInt8
    /// false: Main tier, true: High tier.
    public var tierFlag: Bool
    /// 1 Main, 2 Main 10, 3 Main Still Picture, 4 format range extensions, …
    public var profileIdc: UInt8
    /// general_profile_compatibility_flag[ 0 ] as the most significant bit, [ 31 ] as the least.
    public var compatibilityFlags: UInt32
    /// The 48 bits from general_progressive_source_flag on, most significant first (6 bytes).
    public var constraintIndicatorFlags: UInt64
    /// 30 × the level number: 93 is level 3.1.
    public var levelIdc: UInt8

    public init(
        profileSpace: UInt8, tierFlag: Bool, profileIdc: UInt8, compatibilityFlags: UInt32, constraintIndicatorFlags: UInt64,
        levelIdc: UInt8
    ) {
        self.profileSpace = profileSpace
        self.tierFlag = tierFlag
        self.profileIdc = profileIdc
        self.compatibilityFlags = compatibilityFlags
        self.constraintIndicatorFlags = constraintIndicatorFlags
        self.levelIdc = levelIdc
    }

    /// Reads profile_tier_level( 1, `maxSubLayersMinus1` ) from `bits`.
    public init(reading bits: inout BitReader, maxSubLayersMinus1: Int) throws {
        precondition((0..<HEVCLimits.maxSubLayers).contains(maxSubLayersMinus1), "sub-layer count checked by the caller")
        profileSpace = UInt8(try bits.readBits(2))
        tierFlag = try bits.readFlag()
        profileIdc = UInt8(try bits.readBits(5))
        compatibilityFlags = try bits.readBits(32)
        let constraintHigh = UInt64(try bits.readBits(32))
        let constraintLow = UInt64(try bits.readBits(16))
        constraintIndicatorFlags = constraintHigh << 16 | constraintLow
        levelIdc = UInt8(try bits.readBits(8))
        var profilePresent: [Bool] = []
        var levelPresent: [Bool] = []
        for _ in 0..<maxSubLayersMinus1 {
            profilePresent.append(try bits.readFlag())
            levelPresent.append(try bits.readFlag())
        }
        if maxSubLayersMinus1 > 0 { try bits.skipBits(2 * (8 - maxSubLayersMinus1)) }
        for index in 0..<maxSubLayersMinus1 {
            if profilePresent[index] { try bits.skipBits(88) }
            if levelPresent[index] { try bits.skipBits(8) }
        }
    }

    /// The CODECS string's fields after the sample entry name (ISO/IEC 14496-15 Annex E.3):
    /// the profile space as a letter (none, A, B, C) before general_profile_idc in decimal; the
    /// 32 compatibility flags in reverse bit order, in hex without leading zeros; `L` (Main
    /// tier) or `H` (High tier) before general_level_idc in decimal; then each of the six
    /// constraint bytes in hex, trailing zero bytes left out. E.g. `1.6.L93.B0`.
    public var codecsFields: String {
        let space = profileSpace == 0 ? "" : String(UnicodeScalar(UInt8(ascii: "A") + profileSpace - 1))
        var fields = [
            space + String(profileIdc), String(compatibilityFlags.bitReversed, radix: 16, uppercase: true),
            (tierFlag ? "H" : "L") + String(levelIdc),
        ]
        var constraintBytes = (0..<6).map { UInt8(truncatingIfNeeded: constraintIndicatorFlags >> UInt64(40 - 8 * $0)) }
        while constraintBytes.last == 0 { constraintBytes.removeLast() }
        fields += constraintBytes.map { String($0, radix: 16, uppercase: true) }
        return fields.joined(separator: ".")
    }
}

extension UInt32 {
    /// The bits in reverse order: bit 31 becomes bit 0.
    var bitReversed: UInt32 {
        var value = self
        var reversed: UInt32 = 0
        for _ in 0..<32 {
            reversed = reversed << 1 | value & 1
            value >>= 1
        }
        return reversed
    }
}
