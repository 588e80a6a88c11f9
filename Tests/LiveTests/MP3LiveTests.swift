import Foundation
import Ingest
import Live
import TestSupport
import Testing

/// MP3 publishers end to end: ffmpeg publishes H.264 + MP3 (libmp3lame) over RTMP; the HLS must
/// carry the MP3 frames unchanged, in an `mp4a` entry that ffmpeg decodes.
@Suite("Live MP3 over RTMP", .serialized, .timeLimit(.minutes(2)))
struct MP3LiveTests {
    /// The live fixture with its audio encoded to MP3 (48 kHz, MPEG-1) in FLV: the very bytes
    /// the test publishes (`-c copy`), so its packets are the reference; made once per run.
    static let flv: Result<String, any Error> = Result {
        let path = try TestScratch.directory("mp3-live").path + "/av-mp3.flv"
        let result = try LiveFixtures.runSync(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-i", try LiveFixtures.fixture, "-c:v", "copy", "-c:a", "libmp3lame", "-b:a",
                "64k", "-f", "flv", path,
            ])
        guard result.status == 0 else { throw LiveFixtures.Failure(description: "MP3 flv: \(result.stderr)") }
        return path
    }

    @Test("ffmpeg publishes -c:a libmp3lame -f flv: the HLS audio is mp3, decodes cleanly, and its packets are the ones sent")
    func rtmp() async throws {
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let source = try Self.flv.get()
        let result = try await LiveFixtures.publish(port: server.port, key: "mp3", realtime: false, input: source)
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        #expect(await server.waitForEnd("mp3"))
        let playlist = "\(server.root)/mp3/index.m3u8"

        let streams = try await LiveFixtures.run(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,sample_rate", "-of", "csv=p=0", playlist])
        #expect(streams.stdout.contains("mp3,48000"), "streams: \(streams.stdout)")
        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", playlist, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")

        let sent = try await LiveFixtures.packetHashes(source)
        let received = try await LiveFixtures.packetHashes(playlist)
        #expect(sent[1]?.count ?? 0 > 100, "audio packets sent: \(sent[1]?.count ?? 0)")
        #expect(received[1] == sent[1], "audio packets differ: \(received[1]?.count ?? 0) received, \(sent[1]?.count ?? 0) sent")
        #expect(received[0] == sent[0], "video packets differ")
    }
}
