/// The duration of one Opus packet, from its table-of-contents byte (RFC 6716 §3.1). An Opus
/// sample in MP4 is one packet, whose duration the `trun` must state; containers with coarse
/// clocks (Matroska's milliseconds) cannot give it exactly, the TOC always can.
///
/// ```
/// TOC byte:  config 5 | s 1 | c 2
///   config 0…11   SILK-only   10, 20, 40, 60 ms   (config % 4)
///   config 12…15  Hybrid      10, 20 ms           (config % 2)
///   config 16…31  CELT-only   2.5, 5, 10, 20 ms   (config % 4)
///   c = 0: one frame; 1, 2: two frames; 3: the next byte holds v 1 | p 1 | M 6, M frames
/// ```
public enum OpusPacket {
    /// The longest packet RFC 6716 §3.2.5 allows: 120 ms, 5760 samples at 48 kHz. A code-3
    /// packet whose frame count makes it longer is malformed.
    public static let maxSamplesPerPacket = 5760

    /// Samples at 48 kHz in one frame, by TOC config (2.5 ms = 120 up to 60 ms = 2880).
    static func samplesPerFrame(config: UInt8) -> Int {
        switch config {
        case 0...11: [480, 960, 1920, 2880][Int(config % 4)]
        case 12...15: [480, 960][Int(config % 2)]
        default: [120, 240, 480, 960][Int(config % 4)]
        }
    }

    /// Samples at 48 kHz that `packet` decodes to. `.truncated` for an empty packet or a code-3
    /// packet without its frame-count byte; `.invalidValue` for a frame count of 0 or a
    /// packet longer than 120 ms.
    public static func sampleCount(_ packet: some Collection<UInt8>) throws -> Int {
        var bytes = packet.makeIterator()
        guard let toc = bytes.next() else { throw SegmenterError(.truncated, "empty Opus packet (no TOC byte)") }
        let frameSamples = samplesPerFrame(config: toc >> 3)
        let frames: Int
        switch toc & 0x03 {
        case 0: frames = 1
        case 1, 2: frames = 2
        default:
            guard let count = bytes.next() else { throw SegmenterError(.truncated, "Opus code-3 packet ends before its frame count") }
            frames = Int(count & 0x3f)
            guard frames > 0 else { throw SegmenterError(.invalidValue, "Opus code-3 packet with 0 frames") }
        }
        let samples = frames * frameSamples
        guard samples <= maxSamplesPerPacket else {
            throw SegmenterError(.invalidValue, "Opus packet of \(frames) × \(frameSamples) samples exceeds 120 ms")
        }
        return samples
    }
}
