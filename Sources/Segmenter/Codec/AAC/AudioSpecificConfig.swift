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

// MARK: - Parsing and building

extension AudioSpecificConfig {
    /// samplingFrequencyIndex 0…12 (ISO/IEC 14496-3 Table 1.18); 13 and 14 are reserved and 15
    /// means an explicit 24-bit rate follows.
    public static let samplingFrequencies: [Int] = [
        96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350,
    ]

    /// Parses the header fields of a serialized config and keeps `bytes` verbatim (the
    /// object-type specific part, SBR/PS extensions and a program config element included).
    public init(parsing bytes: [UInt8]) throws {
        guard bytes.count <= CodecLimits.maxAudioSpecificConfigSize else {
            throw SegmenterError(
                .limitExceeded, "AudioSpecificConfig of \(bytes.count) bytes exceeds the limit of \(CodecLimits.maxAudioSpecificConfigSize)"
            )
        }
        var bits = BitReader(bytes)
        var objectType = try bits.readBits(5)
        if objectType == 31 { objectType = 32 + (try bits.readBits(6)) }  // audioObjectTypeExt
        guard objectType != 0 else { throw SegmenterError(.invalidValue, "AudioSpecificConfig audio object type 0 (null)") }
        let frequencyIndex = UInt8(try bits.readBits(4))
        let sampleRate: Int
        if frequencyIndex == 15 {
            sampleRate = Int(try bits.readBits(24))
            guard sampleRate > 0 else { throw SegmenterError(.invalidValue, "AudioSpecificConfig explicit sampling frequency 0") }
        } else {
            sampleRate = try Self.sampleRate(forIndex: frequencyIndex)
        }
        let channels = UInt8(try bits.readBits(4))
        self.init(
            bytes: bytes, objectType: UInt8(objectType), samplingFrequencyIndex: frequencyIndex, sampleRate: sampleRate,
            channelConfiguration: channels)
    }

    /// Builds the two-byte config of a GA object type (AAC Main 1, LC 2, SSR 3, LTP 4, Scalable 6,
    /// TwinVQ 7) with an indexed sampling frequency, as ADTS streams need:
    ///
    /// ```
    /// audioObjectType 5  samplingFrequencyIndex 4  channelConfiguration 4
    /// GASpecificConfig: frameLengthFlag 1 (0: 1024 samples)  dependsOnCoreCoder 1 (0)  extensionFlag 1 (0)
    /// ```
    public init(objectType: UInt8, samplingFrequencyIndex: UInt8, channelConfiguration: UInt8) throws {
        guard [1, 2, 3, 4, 6, 7].contains(objectType) else {
            throw SegmenterError(.unsupported, "audio object type \(objectType); only the GA types 1–4, 6 and 7 can be built")
        }
        let sampleRate = try Self.sampleRate(forIndex: samplingFrequencyIndex)
        guard channelConfiguration != 0 else {
            throw SegmenterError(.unsupported, "channel configuration 0 needs a program config element")
        }
        guard channelConfiguration <= 7 else {
            throw SegmenterError(.invalidValue, "channel configuration \(channelConfiguration); 1…7 are defined")
        }
        let packed = UInt16(objectType) << 11 | UInt16(samplingFrequencyIndex) << 7 | UInt16(channelConfiguration) << 3
        self.init(
            bytes: [UInt8(packed >> 8), UInt8(packed & 0xff)], objectType: objectType,
            samplingFrequencyIndex: samplingFrequencyIndex, sampleRate: sampleRate, channelConfiguration: channelConfiguration)
    }

    /// The rate of a table index 0…12; `.invalidValue` for the reserved 13, 14 and for 15
    /// (explicit rate, which has no index).
    static func sampleRate(forIndex index: UInt8) throws -> Int {
        guard Int(index) < samplingFrequencies.count else {
            throw SegmenterError(.invalidValue, "sampling frequency index \(index) is reserved or needs an explicit rate")
        }
        return samplingFrequencies[Int(index)]
    }
}
