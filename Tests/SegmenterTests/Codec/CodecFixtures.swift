import TestSupport
import Testing

@testable import Segmenter

/// Fixtures and helpers of the codec tests. Names carry a `Codec` prefix: other suites share
/// this test target.
enum CodecFixtures {
    /// One x264 stream's parameter sets and what FFmpeg 5.1 (`-c copy` to MP4) wrote as avcC,
    /// with the values ffprobe reports. Made with
    /// `ffmpeg -f lavfi -i testsrc2=size=WxH:rate=R -frames:v 1 -c:v libx264 -profile:v P [-pix_fmt F] -f h264`.
    struct H264Stream: Sendable, CustomTestStringConvertible {
        var name: String
        var sps: String
        var pps: String
        var avcC: String
        var profile: UInt8
        var compatibility: UInt8
        var level: UInt8
        var width: Int
        var height: Int
        var chromaFormat: UInt8 = 1
        var bitDepthLumaMinus8: UInt8 = 0
        var frameMbsOnly = true

        var testDescription: String { name }
    }

    static let h264Streams: [H264Stream] = [
        H264Stream(
            name: "high 1920x1080 (crop 8 lines)",
            sps: "67640028acd940780227e5c044000003000400000300f03c60c658", pps: "68ebe3cb22c0",
            avcC: "01640028ffe1001b67640028acd940780227e5c044000003000400000300f03c60c65801000668ebe3cb22c0fdf8f800",
            profile: 100, compatibility: 0x00, level: 40, width: 1920, height: 1080),
        H264Stream(
            name: "constrained baseline 640x360 (poc type 2)",
            sps: "6742c01ed900a02ff970110000030001000003003c0f162e48", pps: "68cb83cb20",
            avcC: "0142c01effe100196742c01ed900a02ff970110000030001000003003c0f162e4801000568cb83cb20",
            profile: 66, compatibility: 0xc0, level: 30, width: 640, height: 360),
        H264Stream(
            name: "main 854x480 (crop right 10)",
            sps: "674d401feca06c1ef3780880000003008000001e078c18cb", pps: "68ebe3cb20",
            avcC: "014d401fffe10018674d401feca06c1ef3780880000003008000001e078c18cb01000568ebe3cb20",
            profile: 77, compatibility: 0x40, level: 31, width: 854, height: 480),
        H264Stream(
            name: "high 1366x768",
            sps: "67640020acd94056061e6f0110000003001000000303c0f1831960", pps: "68ebe3cb22c0",
            avcC: "01640020ffe1001b67640020acd94056061e6f0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800",
            profile: 100, compatibility: 0x00, level: 32, width: 1366, height: 768),
        H264Stream(
            name: "high 4:2:2 1366x768",
            sps: "677a0020bcd94056061e6f0110000003001000000303c0f1831960", pps: "68ebe3cb22c0",
            avcC: "017a0020ffe1001b677a0020bcd94056061e6f0110000003001000000303c0f183196001000668ebe3cb22c0fef8f800",
            profile: 122, compatibility: 0x00, level: 32, width: 1366, height: 768, chromaFormat: 2),
        H264Stream(
            name: "high 10 1920x1080",
            sps: "676e0028a6cd940780227e5c0440000003004000000f03c60c6580", pps: "68ebe3cb22c0",
            avcC: "016e0028ffe1001b676e0028a6cd940780227e5c0440000003004000000f03c60c658001000668ebe3cb22c0fdfafa00",
            profile: 110, compatibility: 0x00, level: 40, width: 1920, height: 1080, bitDepthLumaMinus8: 2),
        H264Stream(
            name: "high interlaced 720x576 (frame_mbs_only 0)",
            sps: "6764001eacd940b424d8088000000300800000190f8a14cb", pps: "68fba3cb22c0",
            avcC: "0164001effe100186764001eacd940b424d8088000000300800000190f8a14cb01000668fba3cb22c0fdf8f800",
            profile: 100, compatibility: 0x00, level: 30, width: 720, height: 576, frameMbsOnly: false),
        H264Stream(
            name: "high 1280x720 with cqm=jvt",
            sps: "6764001facd9405005bb0110000003001000000303c0f1831960", pps: "68ebe3cb3002c0",
            avcC: "0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000768ebe3cb3002c0fdf8f800",
            profile: 100, compatibility: 0x00, level: 31, width: 1280, height: 720),
    ]

    /// `ffmpeg -f lavfi -i sine=sample_rate=48000 -ac 1 -t 0.1 -c:a aac -f adts`: six frames.
    static let adts48kMono = hex(
        """
        fff14c401b7ffcde02004c61766335392e33372e313030000268aa59ea104d130b56eb75fb7dfadf4f37adf157224a4876c8d4890209ba61f4ef89dc
        5d93d957481d5dc12c93337080e7af1aa5c870d719ef45ebdc4eb5da7a3703b779ef62f49e5571b35667b8cebd9ce8565b94ed6b1b8ab8d9b41b3636
        c561ad626e565b94ed6ab33d4b3d4b25598e8da69da69da69dad46c752c93eb67d54a5f9ac354d74d9d367456a2b53674d8d363331999d367456a2b5
        1674d8ccc6663331a2b515a8ad452aa9a49a4a24a24a249aa9aa9aa9aa9a4a24a1e8928aa6a9b8fff14c4023fffc016298d8f6eb351309b749a8ab75
        1abfdbfeb383135734e7bfd605eaeffb7c09ad454fce85f177282d0f89eaead048da527a5ad672a67e773fe8496b6a6d4d7cea171627a36d3dbb41c3
        c062a76b4fa9dd366aa94bb75ff27e33f29d137af04848484decc242424e3b8484849c996eee121212716d3bb848495099b2777fe5e3f861d928808a
        340436f4c824144f3baeb4c4735588c9763e04b3665e210337a7fba7316d1aab22637133d4afd0495ab65250c2f931c3192691a9767c31c319269199
        d9f0c70c6499d99d9f0c70a6b6919d9d99d9cddd9d9d9d9d1d99cc0dff9ff3f46a806fd57b9ab50c24a872c27e03ce129acc045dd58ae2a75b356cd4
        d196cd5519f3618e1e6edc70c70c709b0c5d9d9d9d9cdd9d1f80fff14c40149ffc010ef52d748622134e21d10874221d13c71f9fe9faddfc7577350d
        3772658ed55a51abde2c52df5ec4b3176141e235a834be3e04a41f5ef5ee2ee2ec5bf6dcd5f14fe9178d7b57ba7ff1fa9db5f5359b6adabe0bad6395
        3b91ce769da7131a4a0c9b4f6558a8e341996b3b3ad5a920d8e38cd8b0157861860e2cd4e34d2c4eee0a6a20a0a3b6828282d10ae7814f082df78a96
        455d79d96b8ce5776907fff14c40183ffc00de352cf11d0c074701d1b8f4cf97fdbff1feffede79f8eaaf17df99a6ecffcdcdc26e55aa90669e2a9a4
        7f7a6d30cd8e0954bf33ef3a0d51f398f123e82bfbd5f6b5fc57ef4f21b79f7af90fde7ef16f1402ccfac6414a688af66ba8c7a86fb4a759525ce27f
        1223925b9be2b30260ad133fa4bed2005c215a457d8b7547c3ab612070d1118f44e8268d7f24b2251b2b8b022c580745b11c46853af8f3b9b476c5e8
        761b62b7f67da65b386d973d7eaeeb8e2dd31f73a7aae0fff14c4017dffc0110352e348d0c075eadbff4ff7fd6f97b5d5e4bdea9ac94fa9724891088
        08287288499d34192e811028aa101386b8cab31dbeaa9c56f208417d00c2625d9e0a7bee1b22d31933977d6541103879f498c94183b43fb178fc9d8e
        0ccdff0e21a2fbadfdb839b249ecbaaf7477843798f1f7db45257f2b8ee51b669fabd3d7328539dd6e0311095fb19ab2632a7b5d5f219419cedfd24e
        2c7b8f1a41f13cfcb908c164d5a468e19ab19a2c76ddc909cf2a84c8699684c370fff14c4016dffc0126352df4bd826556fcf9defeaf7e7277edbd67
        15751e8b49122103b471e836864e259c0dce4425c0497c7d4b8dbea567134b9152a811f337cd38e9db345cf1fff73b7dd7010e38fab6b6c6ec58d7db
        bfb565fd576ee9dd9549769fa98cf2a8e9b3ab7b57c147f94f0b82c543576c262cd8ea8ed355c96546e75f534f4bc8edac33ab940ed3755eb11bb2be
        a69e9765c6b0c556a07132abd621e75f534f39918d1249f92ceb8928e1e454a68e73c0
        """)

    /// The last frame of the same command at 22050 Hz mono: a 12-byte frame.
    static let adtsSmallFrame22kMono = hex("fff15c40019ffc011881b470")
}

/// Writes bit fields MSB first, for building SPSs the fixtures do not cover.
struct CodecTestBitWriter {
    private(set) var bytes: [UInt8] = []
    private var bitCount = 0

    mutating func bits(_ value: UInt64, _ count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> UInt64(shift)) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(bitCount % 8) }
            bitCount += 1
        }
    }

    mutating func flag(_ value: Bool) { bits(value ? 1 : 0, 1) }

    mutating func ue(_ value: UInt64) {
        let code = value + 1
        let length = 64 - code.leadingZeroBitCount
        bits(0, length - 1)
        bits(code, length)
    }

    mutating func se(_ value: Int64) {
        ue(value > 0 ? UInt64(2 * value - 1) : UInt64(-2 * value))
    }

    /// rbsp_trailing_bits: a one, then zeros to the byte boundary.
    /// An HEVC SPS (without its NAL header) up to pic_height_in_luma_samples: VPS 0, one
    /// sub-layer, Main profile, level 60, SPS 0, 4:2:0.
    mutating func hevcSPSStart(width: UInt64, height: UInt64) {
        bits(0, 4)  // sps_video_parameter_set_id
        bits(0, 3)  // sps_max_sub_layers_minus1
        flag(true)  // sps_temporal_id_nesting_flag
        bits(1, 8)  // profile space, tier, Main
        bits(0x6000_0000, 32)
        bits(0, 48)
        bits(60, 8)
        ue(0)  // sps_seq_parameter_set_id
        ue(1)  // chroma_format_idc
        ue(width)  // pic_width_in_luma_samples
        ue(height)  // pic_height_in_luma_samples
    }

    mutating func trailingBits() {
        bits(1, 1)
        while bitCount % 8 != 0 { bits(0, 1) }
    }
}

/// Inserts emulation-prevention bytes into an RBSP (the inverse of `AnnexB.removeEmulationPrevention`).
func codecAddEmulationPrevention(_ rbsp: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var zeros = 0
    for byte in rbsp {
        if zeros >= 2 && byte <= 3 {
            out.append(3)
            zeros = 0
        }
        out.append(byte)
        zeros = byte == 0 ? zeros + 1 : 0
    }
    return out
}

/// Runs `body` and returns the SegmenterError code it threw, or nil if it did not throw.
/// Any other error type fails the test.
func segmenterErrorCode(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SegmenterError.Code? {
    do {
        try body()
        return nil
    } catch let error as SegmenterError {
        return error.code
    } catch {
        Issue.record("threw \(error), not a SegmenterError", sourceLocation: sourceLocation)
        return nil
    }
}
