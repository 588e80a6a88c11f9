import Foundation
import Ingest
import Logging
import Packager
import Prometheus
import TestSupport
import Testing

@testable import Live

/// `--fsync`: with `periodic` the hub syncs the output file system every interval while a
/// stream exists and once more at shutdown; with `per-file` it never does (each file was
/// fsynced before it was listed).
@Suite("Live file sync", .serialized, .timeLimit(.minutes(3)))
struct LiveFileSyncTests {
    @Test("periodic: synced every interval while a stream exists, and at shutdown")
    func periodic() async throws {
        let (root, hub, registry) = try Self.hub(.periodic)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.pullFixture(into: hub)
        // The stream exists until its idle timeout: the loop keeps syncing.
        let ticking = await waitUntil(seconds: 60) { (Self.syncCount(registry) ?? 0) >= 3 }
        #expect(ticking, "syncs so far: \(Self.syncCount(registry) ?? 0)")
        let beforeShutdown = Self.syncCount(registry) ?? 0
        await hub.finishAll()
        #expect((Self.syncCount(registry) ?? 0) > beforeShutdown, "finishAll syncs after the last ENDLIST")
        #expect(registry.sample("hlsseg_live_file_system_sync_failures_total") == 0)
        #expect(LiveFixtures.read("\(root)/pulled/index.m3u8")?.contains("#EXT-X-ENDLIST") == true)
    }

    @Test("periodic: a stream that ends by its idle timeout gets a sync after its ENDLIST, then the syncing stops")
    func afterTheLastStreamEnds() async throws {
        let (root, hub, registry) = try Self.hub(.periodic, idleTimeout: .milliseconds(200))
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.pullFixture(into: hub)
        let ended = await waitUntil(seconds: 30) {
            LiveFixtures.read("\(root)/pulled/index.m3u8")?.contains("#EXT-X-ENDLIST") == true
        }
        #expect(ended)
        // No stream left: the loop stops (a hub without streams does not sync every interval),
        // but only after a sync that started after the final playlist was written. Generous:
        // a sync waits for everything dirty on the file system, other programs' writes too.
        let stopped = await waitUntil(seconds: 60) { await !hub.isSyncing }
        #expect(stopped, "still syncing with no stream left")
        let written = try #require(
            try FileManager.default.attributesOfItem(atPath: "\(root)/pulled/index.m3u8")[.modificationDate] as? Date)
        let syncedThrough = try #require(registry.sample("hlsseg_live_file_system_synced_through_timestamp_seconds"))
        #expect(syncedThrough >= written.timeIntervalSince1970, "the last sync started before the final playlist was written")
        let whenStopped = Self.syncCount(registry)
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.syncCount(registry) == whenStopped)
        await hub.finishAll()
    }

    @Test("per-file: no file-system syncs")
    func perFile() async throws {
        let (root, hub, registry) = try Self.hub(.perFile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await Self.pullFixture(into: hub)
        try await Task.sleep(for: .milliseconds(300))
        await hub.finishAll()
        #expect((Self.syncCount(registry) ?? 0) == 0)
        #expect(LiveFixtures.read("\(root)/pulled/index.m3u8")?.contains("#EXT-X-ENDLIST") == true)
    }

    private static func hub(_ fileSync: FileSync, idleTimeout: Duration = .seconds(10)) throws
        -> (String, LiveHub, PrometheusCollectorRegistry)
    {
        let root = try LiveFixtures.temporaryRoot()
        var logger = Logger(label: "live-sync-test")
        logger.logLevel = .error
        let registry = PrometheusCollectorRegistry()
        let configuration = LiveConfiguration(idleTimeout: idleTimeout, fileSync: fileSync, syncInterval: .milliseconds(50))
        let hub = LiveHub(root: root, configuration: configuration, logger: logger, metrics: LiveMetrics(registry: registry))
        return (root, hub, registry)
    }

    /// The fixture, read once as fast as it decodes, as the stream `pulled`.
    private static func pullFixture(into hub: LiveHub) async throws {
        var logger = Logger(label: "live-sync-test")
        logger.logLevel = .error
        let source = PulledSource(
            streamName: "pulled", url: try LiveFixtures.fixture, backoff: Backoff(initial: .milliseconds(100)), maximumAttempts: 1)
        await source.run(handler: hub, logger: logger)
    }

    private static func syncCount(_ registry: PrometheusCollectorRegistry) -> Double? {
        registry.sample("hlsseg_live_file_system_sync_seconds_count")
    }
}
