import Foundation
import Live
import TestSupport
import Testing

/// RTMP clients other than ffmpeg: GStreamer's `rtmpsink` is built on librtmp, the library OBS's
/// RTMP output and many cameras' firmware descend from; `rtmp2sink` is GStreamer's own
/// implementation. Each publishes the fixture; every packet must land in a segment byte for byte.
@Suite("Live RTMP ingest with GStreamer publishers (librtmp and rtmp2)", .serialized, .timeLimit(.minutes(3)))
struct LiveGStreamerTests {
    static let gstLaunch = "/usr/bin/gst-launch-1.0"

    /// The fixture as FLV (GStreamer's flvdemux reads it; copying keeps every packet).
    static let flv: Result<String, any Error> = Result {
        let path = try LiveFixtures.directory.get() + "/av.flv"
        let result = try LiveFixtures.runSync(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-i", try LiveFixtures.fixture, "-c", "copy", path])
        guard result.status == 0 else { throw LiveFixtures.Failure(description: "flv fixture: \(result.stderr)") }
        return path
    }

    @Test("publishes every packet byte for byte", arguments: ["rtmpsink", "rtmp2sink"])
    func publish(sink: String) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.gstLaunch) else {
            Issue.record(
                """
                \(Self.gstLaunch) is missing: run scripts/setup.sh --test (Debian packages gstreamer1.0-tools, \
                gstreamer1.0-plugins-good, gstreamer1.0-plugins-bad)
                """)
            return
        }
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let pipeline = """
            filesrc location=\(try Self.flv.get()) ! flvdemux name=d \
            d.video ! queue ! h264parse ! mux. \
            d.audio ! queue ! aacparse ! mux. \
            flvmux name=mux streamable=true ! \(sink) location=rtmp://127.0.0.1:\(server.port)/live/cam1
            """
        let result = try await LiveFixtures.run(Self.gstLaunch, ["-q"] + pipeline.split(separator: " ").map(String.init))
        #expect(result.status == 0, "gst-launch: \(result.stderr)")
        #expect(await waitUntil(seconds: 30) { await server.hub.state(of: "cam1") == .idle })
        #expect(await server.waitForEnd("cam1"))

        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", "\(server.root)/cam1/index.m3u8", "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        let received = try await LiveFixtures.packetHashes("\(server.root)/cam1/index.m3u8")
        #expect(received[0] == sent[0], "video packets differ (\(received[0]?.count ?? 0) of \(sent[0]?.count ?? 0))")
        #expect(received[1] == sent[1], "audio packets differ (\(received[1]?.count ?? 0) of \(sent[1]?.count ?? 0))")
    }
}
