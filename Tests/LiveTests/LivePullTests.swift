import Foundation
import Ingest
import Live
import Logging
import TestSupport
import Testing

@Suite("Live pulled sources", .serialized, .timeLimit(.minutes(3)))
struct LivePullTests {
    @Test("backoff doubles to its maximum and starts over after a long run")
    func backoff() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(5), resetAfter: .seconds(30))
        let delays = (0..<5).map { _ in backoff.delay(afterRunning: .seconds(1)) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        #expect(backoff.delay(afterRunning: .seconds(60)) == .seconds(1))
    }

    @Test("a pulled URL that ends is reopened and continued after a discontinuity")
    func reopened() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var logger = Logger(label: "live-pull-test")
        logger.logLevel = .error
        let hub = LiveHub(root: root, configuration: LiveConfiguration(idleTimeout: .seconds(3)), logger: logger)
        let source = PulledSource(
            streamName: "pulled", url: try LiveFixtures.fixture, backoff: Backoff(initial: .milliseconds(100)), maximumAttempts: 2)
        await source.run(handler: hub, logger: logger)
        await hub.finishAll()
        let playlist = try #require(LiveFixtures.read("\(root)/pulled/index.m3u8"))
        #expect(playlist.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2, "\(playlist)")
        #expect(playlist.contains("#EXT-X-ENDLIST"))
        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        let received = try await LiveFixtures.packetHashes("\(root)/pulled/index.m3u8")
        #expect(received[0] == (sent[0] ?? []) + (sent[0] ?? []))
    }

    @Test("an input that ends damaged is logged with its reason at warning level; a normal end is not a warning")
    func endReasons() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The fixture with its index first, cut at 60 %: it opens, and ends short of its samples.
        let whole = root + "/whole.mp4"
        let remux = try await LiveFixtures.run(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-i", try LiveFixtures.fixture, "-c", "copy", "-movflags", "+faststart", whole,
            ])
        #expect(remux.status == 0, "\(remux.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let cut = root + "/cut.mp4"
        try bytes.prefix(bytes.count * 6 / 10).write(to: URL(fileURLWithPath: cut))
        let log = RecordingLogHandler.Lines()
        var logger = log.logger()
        logger.logLevel = .info
        let hub = LiveHub(root: root, configuration: LiveConfiguration(idleTimeout: .seconds(3)), logger: logger)
        for (name, url) in [("cut", cut), ("whole", whole)] {
            await PulledSource(streamName: name, url: url, backoff: Backoff(initial: .milliseconds(100)), maximumAttempts: 1)
                .run(handler: hub, logger: logger)
        }
        await hub.finishAll()
        #expect(log.all.contains { $0.hasPrefix("warning pull cut: \(cut) ended: ") && $0.contains("truncated") }, "\(log.all)")
        #expect(!log.all.contains { $0.hasPrefix("warning pull whole:") }, "\(log.all)")
    }
}
