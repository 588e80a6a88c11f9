import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hlsseg serve` killed while a camera publishes, restarted, and the camera never comes back:
/// the stream must not stay "live" for ever. It ends (ENDLIST) one idle timeout after the
/// restart, as an idle stream would, and the API says so.
@Suite("hlsseg serve: killed while publishing, restarted without the publisher", .timeLimit(.minutes(3)))
struct LiveCrashTests {
    @Test func theStreamEndsOneIdleTimeoutAfterTheRestart() async throws {
        let fixture = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("live-crash")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let (httpPort, rtmpPort) = (try freeLoopbackPort(), try freeLoopbackPort())
        let arguments = [
            "serve", "--root", root.path, "--http-port", "\(httpPort)", "--rtmp-host", "127.0.0.1",
            "--rtmp-port", "\(rtmpPort)", "--idle-timeout", "2", "--log-level", "info",
        ]
        let first = try ServeProcess.start(arguments, log: directory.appendingPathComponent("first.log"))
        try await waitUntil("the first server listens", seconds: 30) { canConnect(port: rtmpPort) && canConnect(port: httpPort) }
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: try Tools.ffmpeg())
        publisher.arguments = [
            "-nostdin", "-v", "quiet", "-re", "-i", fixture.path, "-c", "copy", "-f", "flv", "rtmp://127.0.0.1:\(rtmpPort)/live/cam",
        ]
        publisher.standardInput = FileHandle.nullDevice
        try publisher.run()
        defer { if publisher.isRunning { publisher.terminate() } }
        let playlist = root.appendingPathComponent("cam/index.m3u8")
        try await waitUntil("two segments listed", seconds: 30) {
            ((try? String(contentsOf: playlist, encoding: .utf8)) ?? "").components(separatedBy: "#EXTINF").count > 2
        }
        first.kill()
        publisher.terminate()
        publisher.waitUntilExit()
        let leftOpen = try String(contentsOf: playlist, encoding: .utf8)
        #expect(!leftOpen.contains("#EXT-X-ENDLIST"))

        let second = try ServeProcess.start(arguments, log: directory.appendingPathComponent("second.log"))
        defer { second.stop() }
        try await waitUntil("the second server listens", seconds: 30) { canConnect(port: httpPort) }
        let listening = Date()
        try await waitUntil("EXT-X-ENDLIST after the restart", seconds: 30) {
            ((try? String(contentsOf: playlist, encoding: .utf8)) ?? "").contains("#EXT-X-ENDLIST")
        }
        // Idle timeout (2 s) + 1 s from the restarted server listening, by the playlist's own
        // time stamp: the server's clock, not this test process's (whose threads other suites share).
        let written = try #require(try FileManager.default.attributesOfItem(atPath: playlist.path)[.modificationDate] as? Date)
        #expect(written.timeIntervalSince(listening) <= 3, "ENDLIST written \(written.timeIntervalSince(listening)) s after the restart")
        let ended = try String(contentsOf: playlist, encoding: .utf8)
        #expect(ended.hasPrefix(leftOpen), "every segment listed before the kill stays listed")

        let body = try httpGet(port: httpPort, path: "/api/streams/cam")
        let info = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        #expect(info?["state"] as? String == "ended", "\(body)")
        #expect(info?["live"] as? Bool == false)
        let decode = try await Subprocess.run(
            try Tools.ffmpeg(), ["-nostdin", "-v", "error", "-i", playlist.path, "-f", "null", "-"], timeout: .seconds(60))
        #expect(decode.succeeded, "\(decode.summary)")
    }
}
