import Synchronization

/// The process-wide AAC bit rate for G.711 audio transcoded on the fly (`hlsseg serve
/// --g711-aac-bitrate`, `g711_aac_bitrate` in hlsseg.yml). Every source that meets G.711 (RTMP,
/// WebSocket frames, libavformat inputs) makes its transcoder with it; the live configuration
/// sets it once at start.
public enum G711Transcoding {
    /// 32 kbit/s: G.711 carries 4 kHz of telephone-band voice; libavcodec's native AAC encoder
    /// (less efficient than the Fraunhofer one) keeps that band clean from about 32 kbit/s at
    /// 8 kHz mono, while 24 kbit/s and below audibly narrows it. It is half of G.711's own
    /// 64 kbit/s and under the AAC ceiling at 8 kHz mono (6144 bits a frame: 48 kbit/s).
    public static let defaultBitRate = 32_000
    /// What `--g711-aac-bitrate` accepts: below 8 kbit/s AAC-LC at 8 kHz is unintelligible;
    /// above 48 kbit/s is more than AAC can spend on one 8 kHz channel.
    public static let bitRateRange = 8_000...48_000

    private static let current = Atomic<Int>(defaultBitRate)

    /// The bit rate new transcoders use.
    public static var bitRate: Int {
        get { current.load(ordering: .relaxed) }
        set { current.store(newValue, ordering: .relaxed) }
    }
}
