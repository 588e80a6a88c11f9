import Foundation
import HTTPServe
import Hummingbird
import Ingest
import Live
import Logging
import NIOCore
import TestSupport
import Testing

@Suite("Live WebSocket ingest", .serialized, .timeLimit(.minutes(3)))
struct LiveWebSocketTests {
    static let sender = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/ws-frame-sender.py").path

    /// `hlsseg serve` in-process with the live services (no RTMP) composed as the executable
    /// does, on a free port; the server logs to `logger`, by default nothing below `.critical`
    /// (Hummingbird logs the test's cancellation as errors).
    static func withServer(
        tokens: Set<String> = [], logger: Logger? = nil, _ body: (_ port: Int, _ root: String) async throws -> Void
    ) async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let logger =
            logger
            ?? {
                var quiet = Logger(label: "live-ws-test")
                quiet.logLevel = .critical
                return quiet
            }()
        let metrics = ServeMetrics()
        let live = LiveServices(
            configuration: LiveConfiguration(idleTimeout: .milliseconds(500), publishTokens: tokens),
            root: try HLSServer.canonicalRoot(root),
            rtmp: nil, registry: metrics.registry, logger: logger)
        let server = try HLSServer(
            configuration: ServeConfiguration(root: root, port: 0), ingest: live.hub, metrics: metrics, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.buildApplication(services: live.services) { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port, root)
    }

    @Test("the example sender script produces a playable playlist with every frame, byte for byte")
    func senderScript() async throws {
        try await Self.withServer(tokens: ["tok"]) { port, root in
            let result = try await LiveFixtures.run(
                "/usr/bin/python3", [Self.sender, try LiveFixtures.fixture, "ws://127.0.0.1:\(port)/ingest/ws1", "--token", "tok"])
            #expect(result.status == 0, "\(result.stderr)")
            let playlist = "\(root)/ws1/index.m3u8"
            #expect(await waitUntil(seconds: 15) { LiveFixtures.read(playlist)?.contains("#EXT-X-ENDLIST") == true })
            let decode = try await LiveFixtures.run(
                LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", playlist, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
            let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
            let received = try await LiveFixtures.packetHashes(playlist)
            #expect(received[0] == sent[0], "video frames differ")
            #expect(received[1] == sent[1], "audio frames differ")
        }
    }

    @Test("without timestamps the frames get a steady frame rate; a missing token is refused")
    func steadyFrameRateAndToken() async throws {
        try await Self.withServer(tokens: ["tok"]) { port, root in
            let refused = try await LiveFixtures.run(
                "/usr/bin/python3", [Self.sender, try LiveFixtures.fixture, "ws://127.0.0.1:\(port)/ingest/nots"])
            _ = refused
            #expect(LiveFixtures.read("\(root)/nots/index.m3u8") == nil)
            let result = try await LiveFixtures.run(
                "/usr/bin/python3",
                [Self.sender, try LiveFixtures.fixture, "ws://127.0.0.1:\(port)/ingest/nots?token=tok", "--no-timestamps"])
            #expect(result.status == 0, "\(result.stderr)")
            let playlist = "\(root)/nots/index.m3u8"
            #expect(await waitUntil(seconds: 15) { LiveFixtures.read(playlist)?.contains("#EXT-X-ENDLIST") == true })
            let decode = try await LiveFixtures.run(
                LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", playlist, "-f", "null", "-"])
            #expect(decode.status == 0, "decode: \(decode.stderr)")
            let duration = try await LiveFixtures.run(
                "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", playlist])
            let seconds = Double(duration.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            // The sender paces 4 s of frames in real time; they are stamped on a steady grid at
            // the SPS's VUI rate, or at the rate estimated from their arrivals when they drift
            // from it by a second. In a loaded test run the reading may start late and catch up,
            // which such an estimate follows (one run measured 3.2 s). Without any timing the
            // duration would be about 0.
            #expect(seconds > 2 && seconds < 5, "duration \(seconds)")
        }
    }
}
