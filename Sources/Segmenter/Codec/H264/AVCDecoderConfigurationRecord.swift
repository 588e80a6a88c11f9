/// The H.264 decoder configuration carried in an `avcC` box (ISO/IEC 14496-15 §5.3.3.1).
///
/// ```
/// aligned(8) class AVCDecoderConfigurationRecord {
///   unsigned int(8) configurationVersion = 1;
///   unsigned int(8) AVCProfileIndication;
///   unsigned int(8) profile_compatibility;
///   unsigned int(8) AVCLevelIndication;
///   bit(6) reserved = '111111'b;
///   unsigned int(2) lengthSizeMinusOne;
///   bit(3) reserved = '111'b;
///   unsigned int(5) numOfSequenceParameterSets;
///   for (i=0; i< numOfSequenceParameterSets; i++) {
///     unsigned int(16) sequenceParameterSetLength ;
///     bit(8*sequenceParameterSetLength) sequenceParameterSetNALUnit;
///   }
///   unsigned int(8) numOfPictureParameterSets;
///   for (i=0; i< numOfPictureParameterSets; i++) {
///     unsigned int(16) pictureParameterSetLength;
///     bit(8*pictureParameterSetLength) pictureParameterSetNALUnit;
///   }
///   if( AVCProfileIndication == 100 || == 110 || == 122 || == 144 ) {
///     bit(6) reserved = '111111'b;  unsigned int(2) chroma_format;
///     bit(5) reserved = '11111'b;   unsigned int(3) bit_depth_luma_minus8;
///     bit(5) reserved = '11111'b;   unsigned int(3) bit_depth_chroma_minus8;
///     unsigned int(8) numOfSequenceParameterSetExt;
///     for (i=0; i< numOfSequenceParameterSetExt; i++) {
///       unsigned int(16) sequenceParameterSetExtLength;
///       bit(8*sequenceParameterSetExtLength) sequenceParameterSetExtNALUnit;
///     }
///   }
/// }
/// ```
public struct AVCDecoderConfigurationRecord: Sendable, Equatable {
    public var profileIndication: UInt8
    public var profileCompatibility: UInt8
    public var levelIndication: UInt8
    /// Bytes in each NAL unit length prefix of the samples (1, 2 or 4). We always write 4.
    public var nalLengthSize: Int
    /// SPS NAL units, each including its one-byte NAL header, without start code or length.
    public var sequenceParameterSets: [[UInt8]]
    /// PPS NAL units, likewise.
    public var pictureParameterSets: [[UInt8]]
    /// The high-profile extension; `nil` for profiles that do not carry it.
    public var highProfileExtension: HighProfileExtension?

    public struct HighProfileExtension: Sendable, Equatable {
        public var chromaFormat: UInt8
        public var bitDepthLumaMinus8: UInt8
        public var bitDepthChromaMinus8: UInt8
        public var sequenceParameterSetExtensions: [[UInt8]]

        public init(chromaFormat: UInt8, bitDepthLumaMinus8: UInt8, bitDepthChromaMinus8: UInt8, sequenceParameterSetExtensions: [[UInt8]] = []) {
            self.chromaFormat = chromaFormat
            self.bitDepthLumaMinus8 = bitDepthLumaMinus8
            self.bitDepthChromaMinus8 = bitDepthChromaMinus8
            self.sequenceParameterSetExtensions = sequenceParameterSetExtensions
        }
    }

    public init(
        profileIndication: UInt8, profileCompatibility: UInt8, levelIndication: UInt8, nalLengthSize: Int = 4,
        sequenceParameterSets: [[UInt8]], pictureParameterSets: [[UInt8]], highProfileExtension: HighProfileExtension? = nil
    ) {
        self.profileIndication = profileIndication
        self.profileCompatibility = profileCompatibility
        self.levelIndication = levelIndication
        self.nalLengthSize = nalLengthSize
        self.sequenceParameterSets = sequenceParameterSets
        self.pictureParameterSets = pictureParameterSets
        self.highProfileExtension = highProfileExtension
    }

    /// RFC 6381 `avc1.PPCCLL`: profile, compatibility flags and level as two hex digits each.
    public var codecsString: String {
        "avc1." + [profileIndication, profileCompatibility, levelIndication].map(hexByte).joined()
    }
}

/// Two lower-case hex digits, e.g. `0x1f` → `1f`.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
