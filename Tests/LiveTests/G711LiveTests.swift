import Foundation
import Ingest
import Live
import TestSupport
import Testing

/// G.711 publishers end to end: ffmpeg publishes μ-law or A-law over RTMP, or the example
/// sender sends G.711 WebSocket frames; the HLS must carry AAC that ffmpeg decodes, with the
/// audio placed against the video as the source places it — at the start and after five
/// minutes of publishing (sent at 40× real time, so the test stays short).
@Suite("Live G.711 → AAC", .serialized, .timeLimit(.minutes(4)))
struct G711LiveTests {
    /// 330 s of 160×120 H.264 at 25 fps (GOP 2 s) + a 440 Hz AAC tone at 48 kHz; made once per run.
    static let clip: Result<String, any Error> = Result {
        let path = try TestScratch.directory("g711-live").path + "/long.mp4"
        let result = try LiveFixtures.runSync(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "330", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "2",
                "-c:a", "aac", "-b:a", "32k", path,
            ])
        guard result.status == 0 else { throw LiveFixtures.Failure(description: "clip: \(result.stderr)") }
        return path
    }

    static let ffprobe = "/usr/bin/ffprobe"

    /// The pts (seconds) of every packet of the first `kind` stream ("a" or "v"), in file order.
    static func packetTimes(_ input: String, _ kind: String) async throws -> [Double] {
        let output = try await LiveFixtures.run(
            ffprobe, ["-v", "error", "-select_streams", "\(kind):0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", input])
        guard output.status == 0 else { throw LiveFixtures.Failure(description: "ffprobe \(input): \(output.stderr)") }
        return output.stdout.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Audio minus video, in seconds, at the start and `at` seconds in. Video: the frame shown
    /// at that time. Audio: where the sample `at − audio start` seconds in is — found by
    /// counting packets from the first (1024 samples each at `audioRate`), so a lost or moved
    /// packet shows as an offset.
    static func offsets(video: [Double], audio: [Double], audioRate: Double, frameSamples: Double, at time: Double) -> (
        start: Double, later: Double
    ) {
        let frames = video.sorted()
        let start = audio[0] - frames[0]
        let frameIndex = frames.firstIndex { $0 >= frames[0] + time } ?? frames.count - 1
        let videoTime = frames[frameIndex] - frames[0]
        let samples = videoTime * audioRate
        let packet = min(Int(samples / frameSamples), audio.count - 1)
        let audioTime = audio[packet] + (samples - Double(packet) * frameSamples) / audioRate - audio[0]
        return (start, start + audioTime - videoTime)
    }

    /// Checks the HLS in `directory` (its ended live playlist, whose two-hour window lists every
    /// segment; an archive playlist would hold only part of the stream when an hour began while
    /// it was published): AAC audio, a clean ffmpeg decode, and the A/V offsets within 40 ms of
    /// the source's.
    static func checkHLS(directory: String) async throws {
        let playlist = "\(directory)/index.m3u8"
        let text = try String(contentsOfFile: playlist, encoding: .utf8)
        #expect(text.contains("#EXT-X-ENDLIST") && text.contains("#EXT-X-MEDIA-SEQUENCE:0\n"), "\(text.prefix(300))")
        let codecs = try await LiveFixtures.run(
            ffprobe, ["-v", "error", "-show_entries", "stream=codec_name,sample_rate", "-of", "csv=p=0", playlist])
        #expect(codecs.stdout.contains("aac,8000"), "streams: \(codecs.stdout)")
        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", playlist, "-map", "0:a", "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")

        let source = try clip.get()
        let sourceOffsets = offsets(
            video: try await packetTimes(source, "v"), audio: try await packetTimes(source, "a"), audioRate: 48000, frameSamples: 1024,
            at: 300)
        let hlsVideo = try await packetTimes(playlist, "v")
        let hlsAudio = try await packetTimes(playlist, "a")
        #expect(
            hlsVideo.count > 8000 && Double(hlsAudio.count) > 320 * 8000 / 1024, "\(hlsVideo.count) video, \(hlsAudio.count) audio packets")
        let hlsOffsets = offsets(video: hlsVideo, audio: hlsAudio, audioRate: 8000, frameSamples: 1024, at: 300)
        print("A/V offsets of \(directory): HLS start \(hlsOffsets.start) s, at 300 s \(hlsOffsets.later) s; source \(sourceOffsets)")
        #expect(abs(hlsOffsets.start - sourceOffsets.start) <= 0.040, "start: HLS \(hlsOffsets.start) s, source \(sourceOffsets.start) s")
        #expect(
            abs(hlsOffsets.later - sourceOffsets.later) <= 0.040, "at 300 s: HLS \(hlsOffsets.later) s, source \(sourceOffsets.later) s")
    }

    @Test(
        "ffmpeg publishes G.711 over RTMP (-c:a pcm_mulaw / pcm_alaw -ar 8000 -ac 1): AAC in the HLS, A/V offset kept",
        arguments: [
            "pcm_mulaw", "pcm_alaw",
        ])
    func rtmp(codec: String) async throws {
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let result = try await LiveFixtures.run(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-readrate", "40", "-i", try Self.clip.get(), "-c:v", "copy", "-c:a",
                codec, "-ar", "8000", "-ac", "1", "-f", "flv", "rtmp://127.0.0.1:\(server.port)/live/g711",
            ])
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(await server.waitForEnd("g711", seconds: 20))
        try await Self.checkHLS(directory: "\(server.root)/g711")
    }

    @Test("G.711 WebSocket frames (codec 1) from the example sender: AAC in the HLS, A/V offset kept")
    func webSocket() async throws {
        try await LiveWebSocketTests.withServer { port, root in
            let result = try await LiveFixtures.run(
                "/usr/bin/python3",
                [
                    LiveWebSocketTests.sender, try Self.clip.get(), "ws://127.0.0.1:\(port)/ingest/g711ws", "--g711", "mulaw", "--readrate",
                    "40",
                ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                await waitUntil(seconds: 20) { LiveFixtures.read("\(root)/g711ws/index.m3u8")?.contains("#EXT-X-ENDLIST") == true })
            try await Self.checkHLS(directory: "\(root)/g711ws")
        }
    }
}
