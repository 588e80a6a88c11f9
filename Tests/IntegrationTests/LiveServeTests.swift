import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hlsseg serve` as a user runs it: ffmpeg publishes over RTMP, the stream appears under the
/// root, gets ENDLIST after the idle timeout, plays over HTTP, and holds every packet the
/// publisher sent, byte for byte.
@Suite("hlsseg serve: RTMP publish end to end", .timeLimit(.minutes(5)))
struct LiveServeTests {
    /// Under both `--fsync` modes: `periodic` (the default) and `per-file`; the second with two
    /// RTMP threads (the default on a machine with fewer than eight cores is one).
    @Test(arguments: [("periodic", 1), ("per-file", 2)])
    func ffmpegPublishesOverRTMPAndPlaysOverHTTP(fsync: String, rtmpThreads: Int) async throws {
        let fixture = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("live-serve-\(fsync)")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let log = directory.appendingPathComponent("serve.log")
        let (httpPort, rtmpPort) = (try freeLoopbackPort(), try freeLoopbackPort())

        let server = try ServeProcess.start(
            [
                "serve", "--root", root.path, "--http-port", "\(httpPort)", "--rtmp-host", "127.0.0.1",
                "--rtmp-port", "\(rtmpPort)", "--idle-timeout", "2", "--log-level", "info", "--fsync", fsync,
                "--rtmp-threads", "\(rtmpThreads)",
            ], log: log)
        defer { server.stop() }
        try await waitUntil("the RTMP and HTTP ports accept connections", seconds: 30) {
            canConnect(port: rtmpPort) && canConnect(port: httpPort)
        }

        let publish = try await Subprocess.run(
            try Tools.ffmpeg(),
            ["-nostdin", "-v", "error", "-re", "-i", fixture.path, "-c", "copy", "-f", "flv", "rtmp://127.0.0.1:\(rtmpPort)/live/cam1"],
            timeout: .seconds(90))
        #expect(publish.succeeded, "\(publish.summary)\n\(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))")

        let playlist = root.appendingPathComponent("cam1/index.m3u8")
        try await waitUntil("EXT-X-ENDLIST after the idle timeout", seconds: 30) {
            ((try? String(contentsOf: playlist, encoding: .utf8)) ?? "").contains("#EXT-X-ENDLIST")
        }

        let overHTTP = try await Subprocess.run(
            try Tools.ffmpeg(),
            ["-nostdin", "-v", "error", "-i", "http://127.0.0.1:\(httpPort)/hls/cam1/index.m3u8", "-f", "null", "-"],
            timeout: .seconds(120))
        #expect(overHTTP.succeeded && overHTTP.stderrLines.isEmpty, "ffmpeg as an HLS client:\n\(overHTTP.summary)")

        // The executable's malloc is mimalloc's (Sources/hlsseg/MemoryAllocator.swift).
        let serveLog = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        #expect(serveLog.contains("allocator=\"mimalloc "), "the listening line names another allocator:\n\(serveLog.prefix(2_000))")

        for kind in [StreamKind.video, .audio] {
            let sent = try await Probe.frameHashes(fixture, kind, decoded: false)
            let segmented = try await Probe.frameHashes(playlist, kind, decoded: false)
            #expect(segmented == sent, "\(kind): \(segmented.count) packets segmented of \(sent.count) sent")
        }
    }
}

@Suite("hlsseg serve: refused options")
struct ServeOptionTests {
    @Test func anUnknownFsyncModeIsRefusedWithTheChoices() async throws {
        let root = try TestScratch.directory("serve-bad-fsync").appendingPathComponent("streams")
        let result = try await Subprocess.run(
            try Tools.hlsseg(), ["serve", "--root", root.path, "--http-port", "0", "--rtmp-port", "0", "--fsync", "sometimes"],
            timeout: .seconds(30))
        #expect(!result.succeeded && !result.timedOut, "\(result.summary)")
        let message = result.stderrLines.joined(separator: "\n")
        #expect(message.contains("--fsync") && message.contains("periodic") && message.contains("per-file"), "\(result.summary)")
    }

    @Test(arguments: ["0", "257", "many"])
    func aBadRTMPThreadCountIsRefused(threads: String) async throws {
        let root = try TestScratch.directory("serve-bad-rtmp-threads").appendingPathComponent("streams")
        let result = try await Subprocess.run(
            try Tools.hlsseg(), ["serve", "--root", root.path, "--http-port", "0", "--rtmp-port", "0", "--rtmp-threads", threads],
            timeout: .seconds(30))
        #expect(!result.succeeded && !result.timedOut, "\(result.summary)")
        #expect(result.stderrLines.joined(separator: "\n").contains("--rtmp-threads"), "\(result.summary)")
    }

    @Test func aBadRTMPThreadCountInTheConfigurationFileIsRefused() async throws {
        try await expectServeRefusesConfiguration(
            "rtmp_threads: 0\n", naming: "rtmp_threads must be 1…256", scratch: "serve-bad-rtmp-threads-file")
    }
}
