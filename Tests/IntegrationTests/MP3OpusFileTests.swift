import Foundation
import Segmenter
import TestSupport
import Testing

/// MP3 and Opus audio passed through from files: `hlsseg segment` on inputs made with Debian's
/// ffmpeg (libmp3lame, libopus, libx264), its output judged by ffmpeg and ffprobe: a clean
/// decode of the playlist, every audio packet byte for byte the source's, the video packet
/// count, the A/V offset, the CODECS string of the init segment; then `hlsseg export` of the
/// output decodes cleanly with the same audio packets.
@Suite("MP3 and Opus from files", .timeLimit(.minutes(10)))
struct MP3OpusFileTests {
    struct Input: Sendable, CustomTestStringConvertible {
        var file: String
        /// ffmpeg arguments after `-nostdin -v error -y` that make it (from lavfi sources or
        /// another input's file, remuxed).
        var recipe: [String]
        var remuxedFrom: String?
        var hasVideo: Bool
        /// The audio track's CODECS (the video's is `avc1.…`).
        var audioCodecs: String
        /// Samples in one audio frame at the track's rate (the A/V offset tolerance).
        var frameSeconds: Double

        var testDescription: String { file }
    }

    static let seconds = 4
    static let video = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=\(seconds)"]
    static func tone(_ rate: Int) -> [String] { ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=\(rate):duration=\(seconds)"] }
    static let x264 = [
        "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "0", "-pix_fmt", "yuv420p",
    ]
    static let mp3 = ["-c:a", "libmp3lame", "-b:a", "96k"]
    static let opus = ["-c:a", "libopus", "-b:a", "64k"]
    static let mp3Frame = 1152 / 48_000.0
    static let opusFrame = 960 / 48_000.0

    static let inputs: [Input] = [
        Input(
            file: "h264-mp3.mp4", recipe: video + tone(48_000) + x264 + mp3, hasVideo: true, audioCodecs: "mp4a.6B",
            frameSeconds: mp3Frame),
        Input(
            file: "h264-mp3.mkv", recipe: [], remuxedFrom: "h264-mp3.mp4", hasVideo: true, audioCodecs: "mp4a.6B",
            frameSeconds: mp3Frame),
        Input(
            file: "h264-mp3.ts", recipe: [], remuxedFrom: "h264-mp3.mp4", hasVideo: true, audioCodecs: "mp4a.6B",
            frameSeconds: mp3Frame),
        Input(
            file: "mpeg2-22k.mp3", recipe: tone(22_050) + ["-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k"], hasVideo: false,
            audioCodecs: "mp4a.69", frameSeconds: 576 / 22_050.0),
        Input(
            file: "h264-opus.mkv", recipe: video + tone(48_000) + x264 + opus + ["-ac", "2"], hasVideo: true,
            audioCodecs: "opus", frameSeconds: opusFrame),
        Input(
            file: "h264-opus.mp4", recipe: [], remuxedFrom: "h264-opus.mkv", hasVideo: true, audioCodecs: "opus",
            frameSeconds: opusFrame),
        Input(file: "audio.opus", recipe: tone(48_000) + opus, hasVideo: false, audioCodecs: "opus", frameSeconds: opusFrame),
        Input(
            file: "audio-opus.webm", recipe: [], remuxedFrom: "audio.opus", hasVideo: false, audioCodecs: "opus",
            frameSeconds: opusFrame),
    ]

    @Test("segment: clean decode, audio packets byte for byte, video packets, A/V offset, CODECS", arguments: inputs)
    func segment(_ input: Input) async throws {
        let source = try await MP3OpusFixtures.shared.url(input)
        let out = try TestScratch.directory("mp3-opus/" + input.file).appendingPathComponent("out", isDirectory: true)
        let run = try await runSegment(
            inputs: [source], outputDirectory: out, arguments: ["--hls-time", "2", "--hls-playlist-type", "vod"])
        try #require(run.succeeded, "\(run.summary)")
        #expect(run.stderrLines.isEmpty, "a clean input gives a clean run:\n\(run.summary)")
        let playlistURL = out.appendingPathComponent("index.m3u8")
        let playlist = try PlaylistFile(contentsOf: playlistURL)
        let initURL = out.appendingPathComponent(try #require(playlist.mapURIs.first))
        let all = out.deletingLastPathComponent().appendingPathComponent("all.mp4")
        try concatenate([initURL] + playlist.entries.map { out.appendingPathComponent($0.uri) }, into: all)

        let decode = try await Probe.decode(playlistURL)
        #expect(decode.succeeded && decode.stderr.isEmpty, "ffmpeg decodes the HLS with no error line:\n\(decode.summary)")
        let expected = try await Probe.frameHashes(source, .audio, decoded: false)
        let actual = try await Probe.frameHashes(playlistURL, .audio, decoded: false)
        #expect(
            !expected.isEmpty && actual == expected, "audio packets: \(actual.count) vs source \(expected.count), or their bytes differ")
        let counts = try await Probe.packetCounts(all)
        let sourceCounts = try await Probe.packetCounts(source)
        #expect(counts[.video] == sourceCounts[.video])
        #expect(counts[.audio] == sourceCounts[.audio])

        let tracks = try InitSegment.tracks(parsing: Array(try Data(contentsOf: initURL)))
        #expect(tracks.count == (input.hasVideo ? 2 : 1))
        #expect(tracks.last?.format.codecs == input.audioCodecs)
        if input.hasVideo { #expect(tracks.first?.format.codecs.hasPrefix("avc1.") == true) }
        if input.hasVideo {
            let (output, original) = (try await Self.avOffset(all), try await Self.avOffset(source))
            #expect(abs(output - original) <= input.frameSeconds + 0.001, "A/V offset \(output) s vs source \(original) s")
        }
        if case .audio(.opus(let config), _, _, let timescale)? = tracks.last?.format {
            #expect(timescale == 48_000 && config.preSkip == 312, "libopus's pre-skip in dOps, 48 kHz timescale")
        }

        // The progressive MP4 export of the output carries the same audio and decodes.
        let exported = out.deletingLastPathComponent().appendingPathComponent("export.mp4")
        let export = try await Subprocess.run(try Tools.hlsseg(), ["export", out.path, "-o", exported.path], timeout: .seconds(180))
        try #require(export.succeeded, "\(export.summary)")
        let exportDecode = try await Probe.decode(exported)
        #expect(exportDecode.stderr.isEmpty, "the export decodes with no error line:\n\(exportDecode.summary)")
        #expect(try await Probe.frameHashes(exported, .audio, decoded: false) == expected)
    }

    /// MPEG-1 Layer II is refused with one line naming it: in Matroska libavformat calls it
    /// `mp2`; in MP4 its object type is MP3's (0x6B), so libavformat calls it `mp3` and the
    /// first frame header tells.
    @Test("Layer II is refused", arguments: [("h264-mp2.mkv", "mp2"), ("h264-mp2.mp4", "Layer II")])
    func layerTwoIsRefused(_ file: String, _ mention: String) async throws {
        let input = Input(
            file: file, recipe: Self.video + Self.tone(48_000) + Self.x264 + ["-c:a", "mp2"], hasVideo: true, audioCodecs: "",
            frameSeconds: 0)
        let source = try await MP3OpusFixtures.shared.url(input)
        let out = try TestScratch.directory("mp3-opus/" + file).appendingPathComponent("out", isDirectory: true)
        let run = try await runSegment(inputs: [source], outputDirectory: out, arguments: [])
        #expect(!run.succeeded && run.stderrLines.count == 1 && run.stderr.contains(mention), "\(run.summary)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("index.m3u8").path))
    }

    /// First video pts − first audio pts (seconds), by ffprobe.
    static func avOffset(_ url: URL) async throws -> Double {
        let video = try #require(try await Probe.presentationTimes(url, .video).compactMap { $0 }.min())
        let audio = try #require(try await Probe.presentationTimes(url, .audio).compactMap { $0 }.min())
        return video - audio
    }
}

/// Makes each input once per test run in the run's scratch folder.
actor MP3OpusFixtures {
    static let shared = MP3OpusFixtures()
    private var made: [String: Task<URL, any Error>] = [:]

    func url(_ input: MP3OpusFileTests.Input) async throws -> URL {
        if let task = made[input.file] { return try await task.value }
        let task = Task<URL, any Error> {
            let url = try TestScratch.directory("mp3-opus-fixtures").appendingPathComponent(input.file)
            if let origin = input.remuxedFrom {
                guard let parent = MP3OpusFileTests.inputs.first(where: { $0.file == origin }) else {
                    throw HarnessError("no recipe for \(origin)")
                }
                let source = try await self.url(parent)
                try await Probe.ffmpegMake(["-i", source.path, "-map", "0", "-c", "copy", url.path])
            } else {
                try await Probe.ffmpegMake(input.recipe + [url.path])
            }
            return url
        }
        made[input.file] = task
        return try await task.value
    }
}
