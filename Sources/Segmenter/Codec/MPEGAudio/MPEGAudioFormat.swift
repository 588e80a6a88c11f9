/// What an MP3 (MPEG-1, MPEG-2 or MPEG-2.5 Layer III) track carries: everything its sample entry
/// and its CODECS string need. MP3 has no decoder configuration of its own: every frame header
/// repeats it, and the `esds` of an `mp4a` entry only names the object type (ISO/IEC 14496-14;
/// MP4RA object type indications 0x6B and 0x69).
public struct MPEGAudioFormat: Sendable, Equatable, Hashable {
    public var version: MPEGAudioVersion
    public var sampleRate: Int
    public var channels: Int

    /// objectTypeIndication of MPEG-1 audio (ISO/IEC 11172-3), Layer III here.
    public static let mpeg1ObjectType: UInt8 = 0x6b
    /// objectTypeIndication of MPEG-2 audio (ISO/IEC 13818-3), which covers MPEG-2.5 as well.
    public static let mpeg2ObjectType: UInt8 = 0x69

    public init(version: MPEGAudioVersion, sampleRate: Int, channels: Int) {
        self.version = version
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// The format an `esds` with object type `objectTypeIndication` describes, with the rate and
    /// channel count of its `mp4a` entry; nil when the object type is not MPEG-1/2 audio or the
    /// rate belongs to neither version it allows.
    public init?(objectTypeIndication: UInt8, sampleRate: Int, channels: Int) {
        guard let version = MPEGAudioVersion(sampleRate: sampleRate) else { return nil }
        switch (objectTypeIndication, version) {
        case (Self.mpeg1ObjectType, .mpeg1), (Self.mpeg2ObjectType, .mpeg2), (Self.mpeg2ObjectType, .mpeg25): break
        default: return nil
        }
        self.init(version: version, sampleRate: sampleRate, channels: channels)
    }

    /// 0x6B for MPEG-1, 0x69 for MPEG-2 and MPEG-2.5.
    public var objectTypeIndication: UInt8 { version == .mpeg1 ? Self.mpeg1ObjectType : Self.mpeg2ObjectType }

    /// Samples per channel in one frame: 1152 (MPEG-1) or 576 (MPEG-2, 2.5).
    public var samplesPerFrame: Int { version == .mpeg1 ? 1152 : 576 }

    /// RFC 6381 `mp4a.<objectTypeIndication in hex>`: `mp4a.6B` or `mp4a.69`.
    public var codecsString: String {
        let hex = String(objectTypeIndication, radix: 16, uppercase: true)
        return "mp4a.\(hex)"
    }
}
