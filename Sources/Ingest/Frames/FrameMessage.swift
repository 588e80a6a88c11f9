import Segmenter

/// One WebSocket ingest message: a 20-byte header, then an Annex-B H.264 or H.265 access unit
/// (or just its parameter sets), one or more ADTS AAC frames, or G.711 codes. All integers
/// big-endian. See docs/ingest.md.
///
/// ```
/// offset size field
///  0     1    version      = 1
///  1     1    track        0 = video, 1 = audio
///  2     1    flags        bit 0 keyframe, bit 1 config (parameter sets only), bit 2 timestamps present
///  3     1    codec        video: 0 = H.264 Annex-B, 1 = H.265 Annex-B;
///                          audio: 0 = AAC ADTS, 1 = G.711 μ-law, 2 = G.711 A-law (8 kHz mono)
///  4     8    pts          signed, microseconds (when bit 2 is set; else ignored)
/// 12     8    dts          signed, microseconds (when bit 2 is set; else ignored)
/// 20     …    payload
/// ```
public struct FrameMessage: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case video = 0
        case audio = 1
    }

    /// What the payload holds. The codec byte means different things on the two tracks; 0
    /// (`standard`) is what a sender that predates the field writes in the byte, which was
    /// reserved as 0.
    public enum Codec: Sendable, Equatable {
        /// Byte 0: H.264 Annex-B for video, ADTS AAC for audio.
        case standard
        /// Video byte 1: H.265 (HEVC) Annex-B.
        case h265
        /// Audio byte 1: G.711 μ-law codes, 8 kHz mono, one byte a sample.
        case g711MuLaw
        /// Audio byte 2: G.711 A-law codes, 8 kHz mono, one byte a sample.
        case g711ALaw

        /// The codec `byte` names on a `kind` track; `nil` when it names none there.
        public init?(byte: UInt8, kind: Kind) {
            switch (kind, byte) {
            case (_, 0): self = .standard
            case (.video, 1): self = .h265
            case (.audio, 1): self = .g711MuLaw
            case (.audio, 2): self = .g711ALaw
            default: return nil
            }
        }

        /// The header's codec byte.
        public var byte: UInt8 {
            switch self {
            case .standard: 0
            case .h265, .g711MuLaw: 1
            case .g711ALaw: 2
            }
        }

        /// Whether the codec belongs on a `kind` track.
        public func fits(_ kind: Kind) -> Bool { Codec(byte: byte, kind: kind) == self }
    }

    public static let version: UInt8 = 1
    public static let headerLength = 20
    /// Largest message accepted (a 4K keyframe fits; larger is a broken or hostile sender).
    public static let maximumMessageLength = 8 << 20
    /// Largest timestamp magnitude (µs, about 35 years): converting it to 90 kHz or a sample
    /// rate cannot overflow.
    public static let maximumTimestamp: Int64 = 1 << 50

    public var kind: Kind
    public var codec: Codec
    public var isKeyframe: Bool
    public var isConfig: Bool
    /// Presentation and decode times in microseconds; nil: use the arrival time.
    public var timestamps: (pts: Int64, dts: Int64)?
    public var payload: ArraySlice<UInt8>

    public init(
        kind: Kind, codec: Codec = .standard, isKeyframe: Bool = false, isConfig: Bool = false,
        timestamps: (pts: Int64, dts: Int64)? = nil, payload: ArraySlice<UInt8>
    ) {
        precondition(codec.fits(kind), "a codec of the other track")
        self.kind = kind
        self.codec = codec
        self.isKeyframe = isKeyframe
        self.isConfig = isConfig
        self.timestamps = timestamps
        self.payload = payload
    }

    public static func == (lhs: FrameMessage, rhs: FrameMessage) -> Bool {
        lhs.kind == rhs.kind && lhs.codec == rhs.codec && lhs.isKeyframe == rhs.isKeyframe && lhs.isConfig == rhs.isConfig
            && lhs.timestamps?.pts == rhs.timestamps?.pts && lhs.timestamps?.dts == rhs.timestamps?.dts && lhs.payload == rhs.payload
    }

    public init(parsing bytes: [UInt8]) throws(IngestError) {
        guard bytes.count >= Self.headerLength else {
            throw IngestError(.invalidStream, "frame message of \(bytes.count) bytes is shorter than its \(Self.headerLength)-byte header")
        }
        guard bytes.count <= Self.maximumMessageLength else {
            throw IngestError(.invalidStream, "frame message of \(bytes.count) bytes exceeds \(Self.maximumMessageLength)")
        }
        guard bytes[0] == Self.version else { throw IngestError(.invalidStream, "frame message version \(bytes[0]), expected 1") }
        guard let kind = Kind(rawValue: bytes[1]) else {
            throw IngestError(.invalidStream, "frame message track \(bytes[1]) is neither 0 (video) nor 1 (audio)")
        }
        let flags = bytes[2]
        guard flags & ~0x07 == 0 else {
            throw IngestError(.invalidStream, "frame message has unknown flags set")
        }
        guard let codec = Codec(byte: bytes[3], kind: kind) else {
            throw IngestError(
                .invalidStream,
                "frame message codec \(bytes[3]) is unknown for \(kind == .audio ? "audio (0 AAC, 1 G.711 μ-law, 2 G.711 A-law)" : "video (0 H.264, 1 H.265)")"
            )
        }
        self.kind = kind
        self.codec = codec
        isKeyframe = flags & 0x01 != 0
        isConfig = flags & 0x02 != 0
        let header = ByteReader(bytes)
        if flags & 0x04 != 0, let pts = header.getUInt64(at: 4), let dts = header.getUInt64(at: 12) {  // within the header checked above
            timestamps = (Int64(bitPattern: pts), Int64(bitPattern: dts))
        } else {
            timestamps = nil
        }
        if let timestamps,
            timestamps.pts.magnitude > Self.maximumTimestamp.magnitude || timestamps.dts.magnitude > Self.maximumTimestamp.magnitude
        {
            throw IngestError(.invalidStream, "frame message timestamp beyond ±2^50 µs")
        }
        payload = bytes[Self.headerLength...]
    }

    public func serialized() -> [UInt8] {
        var out: [UInt8] = [
            Self.version, kind.rawValue, (isKeyframe ? 1 : 0) | (isConfig ? 2 : 0) | (timestamps != nil ? 4 : 0), codec.byte,
        ]
        for value in [timestamps?.pts ?? 0, timestamps?.dts ?? 0] {
            let bits = UInt64(bitPattern: value)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        }
        return out + payload
    }
}
