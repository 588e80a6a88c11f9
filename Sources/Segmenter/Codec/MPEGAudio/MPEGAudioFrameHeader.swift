/// The four-byte header of one MPEG audio frame (ISO/IEC 11172-3 §2.4.1.3, ISO/IEC 13818-3
/// §2.4.1.3; MPEG-2.5 is the Fraunhofer extension to 8, 11.025 and 12 kHz): the framing of
/// `.mp3` files and of MP3 in MPEG-TS, Matroska, MP4 and FLV.
///
/// ```
/// header() {
///   syncword              11  all ones (ISO's 12-bit syncword plus the MPEG-2.5 extension bit)
///   version                2  00 MPEG-2.5, 01 reserved, 10 MPEG-2, 11 MPEG-1
///   layer                  2  01 Layer III, 10 Layer II, 11 Layer I, 00 reserved
///   protection_bit         1  0: a 16-bit CRC follows the header
///   bitrate_index          4  0 free format, 15 forbidden
///   sampling_frequency     2  11 reserved
///   padding_bit            1  one more byte (Layer III) in this frame
///   private_bit            1
///   mode                   2  00 stereo, 01 joint stereo, 10 dual channel, 11 single channel
///   mode_extension         2
///   copyright              1
///   original/home          1
///   emphasis               2  10 reserved
/// }
/// ```
/// Layer III frame length = 144 · bitrate / rate (MPEG-1) or 72 · bitrate / rate (MPEG-2 and
/// 2.5) + padding; a frame holds 1152 (MPEG-1) or 576 samples per channel.
public struct MPEGAudioFrameHeader: Sendable, Equatable, Hashable {
    public var version: MPEGAudioVersion
    /// 1, 2 or 3; only Layer III (MP3) is carried, the others are refused by `parse`.
    public var layer: Int
    public var hasCRC: Bool
    /// Kilobits per second.
    public var bitrate: Int
    public var sampleRate: Int
    public var padding: Bool
    public var channelMode: ChannelMode
    /// Bytes of the whole frame, header (and CRC) included.
    public var frameLength: Int

    public enum ChannelMode: UInt8, Sendable, Hashable {
        case stereo = 0
        case jointStereo = 1
        case dualChannel = 2
        case singleChannel = 3
    }

    /// Bytes `parse` needs to see.
    public static let headerLength = 4

    /// The longest Layer III frame: MPEG-1 at 320 kbit/s and 32 kHz with padding,
    /// 144 · 320000 / 32000 + 1 bytes. A demuxer packet announcing a longer frame is corrupt.
    public static let maxFrameLength = 1441

    /// Layer III bitrates in kbit/s by `bitrate_index` 1…14 (index 0, free format, is refused).
    static let mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    static let mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    /// MPEG-1 rates by `sampling_frequency` 0…2; MPEG-2 halves them and MPEG-2.5 quarters them.
    static let mpeg1SampleRates = [44_100, 48_000, 32_000]

    public init(
        version: MPEGAudioVersion, layer: Int = 3, hasCRC: Bool = false, bitrate: Int, sampleRate: Int, padding: Bool = false,
        channelMode: ChannelMode, frameLength: Int
    ) {
        self.version = version
        self.layer = layer
        self.hasCRC = hasCRC
        self.bitrate = bitrate
        self.sampleRate = sampleRate
        self.padding = padding
        self.channelMode = channelMode
        self.frameLength = frameLength
    }

    /// Samples per channel in one frame: 1152 for MPEG-1 Layer III, 576 for MPEG-2 and 2.5.
    public var samplesPerFrame: Int { version == .mpeg1 ? 1152 : 576 }

    public var channels: Int { channelMode == .singleChannel ? 1 : 2 }

    /// What a Layer III track carries, as the sample entry and the CODECS string need it.
    public var format: MPEGAudioFormat {
        MPEGAudioFormat(version: version, sampleRate: sampleRate, channels: channels)
    }

    /// Parses the header at the start of `bytes` (the rest of the frame need not be there).
    /// `.truncated` when fewer than four bytes are given; `.invalidValue` for a missing sync,
    /// a reserved version, layer, rate or emphasis, or the forbidden bitrate index;
    /// `.unsupported` for Layers I and II and for free-format bitrates.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> MPEGAudioFrameHeader {
        let header = Array(bytes.prefix(headerLength))
        guard header.count == headerLength else {
            throw SegmenterError(.truncated, "MPEG audio header needs 4 bytes, got \(header.count)")
        }
        guard header[0] == 0xff, header[1] & 0xe0 == 0xe0 else { throw SegmenterError(.invalidValue, "no MPEG audio frame sync") }
        let version: MPEGAudioVersion
        switch (header[1] >> 3) & 0x03 {
        case 0: version = .mpeg25
        case 2: version = .mpeg2
        case 3: version = .mpeg1
        default: throw SegmenterError(.invalidValue, "MPEG audio version bits 01 are reserved")
        }
        let layerBits = (header[1] >> 1) & 0x03
        guard layerBits != 0 else { throw SegmenterError(.invalidValue, "MPEG audio layer bits 00 are reserved") }
        let layer = 4 - Int(layerBits)
        guard layer == 3 else {
            throw SegmenterError(.unsupported, "MPEG audio Layer \(layer == 1 ? "I" : "II"); only Layer III (MP3) is carried")
        }
        let bitrateIndex = Int(header[2] >> 4)
        guard bitrateIndex != 15 else { throw SegmenterError(.invalidValue, "MPEG audio bitrate index 15 is forbidden") }
        guard bitrateIndex != 0 else {
            throw SegmenterError(.unsupported, "free-format MP3 (bitrate index 0): frame lengths are not in the headers")
        }
        let rateIndex = Int((header[2] >> 2) & 0x03)
        guard rateIndex != 3 else { throw SegmenterError(.invalidValue, "MPEG audio sampling frequency index 3 is reserved") }
        guard header[3] & 0x03 != 2 else { throw SegmenterError(.invalidValue, "MPEG audio emphasis 10 is reserved") }
        let sampleRate = mpeg1SampleRates[rateIndex] / version.sampleRateDivisor
        let bitrate = (version == .mpeg1 ? mpeg1Bitrates : mpeg2Bitrates)[bitrateIndex]
        let padding = header[2] & 0x02 != 0
        let coefficient = version == .mpeg1 ? 144_000 : 72_000
        let frameLength = coefficient * bitrate / sampleRate + (padding ? 1 : 0)
        return MPEGAudioFrameHeader(
            version: version, layer: layer, hasCRC: header[1] & 0x01 == 0, bitrate: bitrate, sampleRate: sampleRate,
            padding: padding, channelMode: ChannelMode(rawValue: header[3] >> 6)!, frameLength: frameLength)
    }
}

/// The MPEG audio version of a frame header.
public enum MPEGAudioVersion: Sendable, Hashable {
    /// ISO/IEC 11172-3: 32, 44.1 and 48 kHz.
    case mpeg1
    /// ISO/IEC 13818-3 lower sampling frequencies: 16, 22.05 and 24 kHz.
    case mpeg2
    /// The unofficial MPEG-2.5 extension: 8, 11.025 and 12 kHz.
    case mpeg25

    var sampleRateDivisor: Int {
        switch self {
        case .mpeg1: 1
        case .mpeg2: 2
        case .mpeg25: 4
        }
    }

    /// The version whose rate table holds `sampleRate`; nil for any other rate.
    public init?(sampleRate: Int) {
        for version in [Self.mpeg1, .mpeg2, .mpeg25]
        where MPEGAudioFrameHeader.mpeg1SampleRates.contains(sampleRate * version.sampleRateDivisor) {
            self = version
            return
        }
        return nil
    }
}
