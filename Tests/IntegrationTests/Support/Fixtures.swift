import Foundation
import TestSupport

/// Input files made at test time with Debian's ffmpeg (libx264, aac), small enough for a
/// 2-core CI: at most 10 s and 640x360. Each is made once per test run, on first use.
enum Fixture: String, Sendable, CaseIterable {
    /// H.264 High profile with B-frames (`-bf 2`), GOP 2 s, + stereo AAC 48 kHz; MP4 with the
    /// moov first (`+faststart`) so a truncated copy still has its index. 640x360, 30 fps, 10 s.
    case highProfileBFrames = "high-bframes.mp4"
    /// The same streams remuxed to MPEG-TS (Annex-B video, ADTS audio, timestamps from 1.4 s).
    case highProfileBFramesTS = "high-bframes.ts"
    /// H.264 Baseline as a raw Annex-B elementary stream, 480x270, 30 fps, GOP 2 s, 10 s.
    case baselineAnnexB = "baseline.h264"
    /// AAC-LC in ADTS, stereo 44.1 kHz, 10 s (the audio of the two-file case and audio-only).
    case adtsAudio = "audio.aac"
    /// AAC-LC in MP4 (.m4a), stereo 48 kHz, 10 s.
    case m4aAudio = "audio.m4a"
    /// GOP of 5 s (keyframes at 0 and 5 s only) + AAC, 640x360, 30 fps, 10 s.
    case longGOP = "long-gop.mp4"
    /// Keyframes forced at 0, 2, 4 and 8 s only: one 4-s GOP mid-stream. + AAC, 10 s.
    case longGOPMidStream = "long-gop-mid.mp4"
    /// Video only, 60 fps, 640x360, GOP 2 s, B-frames, 6 s.
    case videoOnly60fps = "video-60fps.mp4"
    /// H.264 High with B-frames, GOP 2 s, 320x180 30 fps + AAC 48 kHz, 30 s, moov first (exports).
    case thirtySeconds = "thirty-seconds.mp4"
    /// HEVC Main (libx265, 3 B-frames, GOP 2 s) 320x180 30 fps + AAC 48 kHz stereo, 4 s, `hvc1` in MP4.
    case hevcHVC1 = "hevc-hvc1.mp4"
    /// The same streams remuxed to MPEG-TS (Annex-B with in-band VPS/SPS/PPS, ADTS).
    case hevcTS = "hevc.ts"
    /// `hevcTS` remuxed to MP4 with the `hev1` sample entry: its keyframes keep the VPS, SPS and
    /// PPS in band.
    case hevcHEV1 = "hevc-hev1.mp4"
    /// The same streams remuxed to Matroska (hvcC in CodecPrivate).
    case hevcMKV = "hevc.mkv"
    /// The same video as a raw Annex-B `.hevc` elementary stream.
    case hevcRaw = "hevc.hevc"

    // Bad and damaged inputs.
    case textFile = "notes.txt"
    /// MPEG-4 Part 2 video + AAC in MP4: unsupported video codec.
    case mpeg4Video = "mpeg4-video.mp4"
    /// H.264 + MPEG-1 Layer II audio in Matroska: unsupported audio codec.
    case mp2Audio = "mp2-audio.mkv"
    /// VP9 in WebM: unsupported video codec.
    case vp9Video = "vp9.webm"
    /// `highProfileBFrames` cut at 60 % of its bytes.
    case truncatedMP4 = "truncated.mp4"
    /// `highProfileBFramesTS` cut at 60 % of its bytes.
    case truncatedTS = "truncated.ts"
    /// `baselineAnnexB` with garbage NAL units spliced in before a slice near the middle.
    case garbageAnnexB = "garbage.h264"

    var url: URL { FixtureStore.directory.appendingPathComponent(rawValue) }

    /// Number of video frames the generator was asked for (frame rate × seconds).
    static let baselineFrames = 300

    /// The ffmpeg arguments (after `-nostdin -v error -y`) that make this fixture, for those
    /// made directly from lavfi sources.
    fileprivate var ffmpegArguments: [String]? {
        let out = url.path
        func video(_ size: String, _ rate: Int, _ seconds: Int) -> [String] {
            ["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate):duration=\(seconds)"]
        }
        func tone(_ hz: Int, _ sampleRate: Int, _ seconds: Int) -> [String] {
            ["-f", "lavfi", "-i", "sine=frequency=\(hz):sample_rate=\(sampleRate):duration=\(seconds)"]
        }
        let x264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-sc_threshold", "0"]
        let aac = ["-c:a", "aac", "-b:a", "96k", "-ac", "2"]
        switch self {
        case .highProfileBFrames:
            return video("640x360", 30, 10) + tone(440, 48_000, 10) + ["-map", "0:v", "-map", "1:a"] + x264
                + ["-profile:v", "high", "-g", "60", "-bf", "2"] + aac + ["-movflags", "+faststart", out]
        case .baselineAnnexB:
            return video("480x270", 30, 10) + x264 + ["-profile:v", "baseline", "-g", "60", "-f", "h264", out]
        case .adtsAudio:
            return tone(660, 44_100, 10) + aac + ["-f", "adts", out]
        case .m4aAudio:
            return tone(550, 48_000, 10) + aac + [out]
        case .longGOP:
            return video("640x360", 30, 10) + tone(440, 48_000, 10) + ["-map", "0:v", "-map", "1:a"] + x264
                + ["-profile:v", "high", "-g", "150", "-keyint_min", "150", "-bf", "2"] + aac + [out]
        case .longGOPMidStream:
            return video("640x360", 30, 10) + tone(440, 48_000, 10) + ["-map", "0:v", "-map", "1:a"] + x264
                + [
                    "-profile:v", "high", "-g", "600", "-keyint_min", "600", "-bf", "2",
                    "-force_key_frames", "0,2,4,8", "-forced-idr", "1",
                ] + aac + [out]
        case .videoOnly60fps:
            return video("640x360", 60, 6) + x264 + ["-profile:v", "high", "-g", "120", "-bf", "2", "-an", out]
        case .thirtySeconds:
            return video("320x180", 30, 30) + tone(440, 48_000, 30) + ["-map", "0:v", "-map", "1:a"] + x264
                + ["-profile:v", "high", "-g", "60", "-bf", "2"] + aac + ["-movflags", "+faststart", out]
        case .hevcHVC1:
            return video("320x180", 30, 4) + tone(440, 48_000, 4) + ["-map", "0:v", "-map", "1:a"]
                + ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "bframes=3:keyint=60:log-level=error"]
                + aac + ["-tag:v", "hvc1", "-movflags", "+faststart", out]
        case .mpeg4Video:
            return video("320x180", 25, 2) + tone(440, 48_000, 2) + ["-map", "0:v", "-map", "1:a"]
                + ["-c:v", "mpeg4", "-q:v", "5"] + aac + [out]
        case .mp2Audio:
            return video("320x180", 25, 2) + tone(440, 48_000, 2) + ["-map", "0:v", "-map", "1:a"] + x264
                + ["-g", "50", "-c:a", "mp2", "-b:a", "96k", out]
        case .vp9Video:
            return video("320x180", 25, 2)
                + ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k", "-an", out]
        case .highProfileBFramesTS, .hevcHEV1, .hevcTS, .hevcMKV, .hevcRaw, .textFile, .truncatedMP4, .truncatedTS, .garbageAnnexB:
            return nil
        }
    }

    fileprivate func make() async throws {
        if let arguments = ffmpegArguments {
            try await Probe.ffmpegMake(arguments)
            return
        }
        switch self {
        case .highProfileBFramesTS:
            let source = try await FixtureStore.shared.url(.highProfileBFrames)
            try await Probe.ffmpegMake(["-i", source.path, "-map", "0", "-c", "copy", "-f", "mpegts", url.path])
        case .hevcHEV1, .hevcTS, .hevcMKV, .hevcRaw:
            let source = try await FixtureStore.shared.url(self == .hevcHEV1 ? .hevcTS : .hevcHVC1).path
            let remux: [String] =
                switch self {
                case .hevcHEV1: ["-map", "0", "-c", "copy", "-tag:v", "hev1", url.path]
                case .hevcTS: ["-map", "0", "-c", "copy", "-f", "mpegts", url.path]
                case .hevcMKV: ["-map", "0", "-c", "copy", url.path]
                default: ["-map", "0:v", "-c", "copy", "-f", "hevc", url.path]
                }
            try await Probe.ffmpegMake(["-i", source] + remux)
        case .textFile:
            let line = "This is a plain text file, not audio or video.\n"
            try Data(String(repeating: line, count: 200).utf8).write(to: url)
        case .truncatedMP4:
            try Self.truncate(try await FixtureStore.shared.url(.highProfileBFrames), to: url)
        case .truncatedTS:
            try Self.truncate(try await FixtureStore.shared.url(.highProfileBFramesTS), to: url)
        case .garbageAnnexB:
            let source = try Data(contentsOf: try await FixtureStore.shared.url(.baselineAnnexB))
            try Self.spliceGarbage(into: source).write(to: url)
        default:
            throw HarnessError("no recipe for fixture \(rawValue)")
        }
    }

    /// Keeps the first 60 % of `source`'s bytes.
    private static func truncate(_ source: URL, to destination: URL) throws {
        let bytes = try Data(contentsOf: source)
        try bytes.prefix(bytes.count * 6 / 10).write(to: destination)
    }

    /// Inserts three bogus NAL units (forbidden_zero_bit set, 200 bytes of non-zero noise from
    /// a fixed seed, so no start code can appear inside them) before the first non-IDR slice
    /// that starts past the middle of the stream.
    static func spliceGarbage(into stream: Data) throws -> Data {
        let bytes = [UInt8](stream)
        var spliceAt: Int?
        var index = bytes.count / 2
        while index + 4 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 0, bytes[index + 3] == 1,
                bytes[index + 4] & 0x1F == 1
            {
                spliceAt = index
                break
            }
            index += 1
        }
        guard let spliceAt else { throw HarnessError("no non-IDR slice after the middle of the stream") }
        var state: UInt32 = 0x2545_F491
        func next() -> UInt8 {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state) | 0x01  // never zero
        }
        var garbage: [UInt8] = []
        for _ in 0..<3 {
            garbage += [0, 0, 0, 1, 0x80 | next()]
            for _ in 0..<200 { garbage.append(next()) }
        }
        return Data(bytes[..<spliceAt] + garbage + bytes[spliceAt...])
    }
}

/// Makes each fixture once per test run and hands out its path; a failed generation is
/// remembered too, so every test that needs it fails with the same message.
actor FixtureStore {
    static let shared = FixtureStore()
    static let directory: URL = TestScratch.root.appendingPathComponent("fixtures", isDirectory: true)

    private var made: [Fixture: Task<URL, any Error>] = [:]

    func url(_ fixture: Fixture) async throws -> URL {
        if let task = made[fixture] { return try await task.value }
        let task = Task<URL, any Error> {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try await fixture.make()
            return fixture.url
        }
        made[fixture] = task
        return try await task.value
    }
}
