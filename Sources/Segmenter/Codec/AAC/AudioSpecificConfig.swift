/// The MPEG-4 Audio decoder configuration (ISO/IEC 14496-3 §1.6.2.1), as carried in `esds`.
///
/// ```
/// AudioSpecificConfig() {
///   audioObjectType;                    5 bits (31 → 6 more bits: 32 + audioObjectTypeExt)
///   samplingFrequencyIndex;             4 bits
///   if (samplingFrequencyIndex == 0xf)
///     samplingFrequency;                24 bits
///   channelConfiguration;               4 bits
///   ... object-type specific config (GASpecificConfig, SBR/PS extensions) ...
/// }
/// ```
/// The bytes are kept verbatim: extensions we do not interpret (SBR, PS) reach the player unchanged.
public struct AudioSpecificConfig: Sendable, Equatable {
    /// The serialized config, exactly as it goes into the `DecoderSpecificInfo` of `esds`.
    public var bytes: [UInt8]
    /// Audio object type: 2 = AAC-LC, 5 = SBR (HE-AAC), 29 = PS (HE-AACv2).
    public var objectType: UInt8
    public var samplingFrequencyIndex: UInt8
    /// Samples per second; from the index table, or the explicit 24-bit value for index 15.
    public var sampleRate: Int
    /// 1…7 as in the spec (7 = 7.1); 0 means "defined in the program config element".
    public var channelConfiguration: UInt8

    public init(bytes: [UInt8], objectType: UInt8, samplingFrequencyIndex: UInt8, sampleRate: Int, channelConfiguration: UInt8) {
        self.bytes = bytes
        self.objectType = objectType
        self.samplingFrequencyIndex = samplingFrequencyIndex
        self.sampleRate = sampleRate
        self.channelConfiguration = channelConfiguration
    }

    /// RFC 6381 `mp4a.40.<objectType>`.
    public var codecsString: String { "mp4a.40.\(objectType)" }

    /// Equality is the serialized bytes: two configs that serialize alike configure a decoder alike.
    public static func == (lhs: AudioSpecificConfig, rhs: AudioSpecificConfig) -> Bool {
        lhs.bytes == rhs.bytes
    }
}
