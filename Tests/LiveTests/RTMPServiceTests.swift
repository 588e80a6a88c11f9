import Foundation
import Ingest
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TestSupport
import Testing

@testable import Live

/// `RTMPService(host:port:threads:…)`, what `hlsseg serve` runs: publishers are read on event
/// loops of the service's own, which stop when the service ends; the playlists are ended by
/// `LiveHubService`, before it in the group.
@Suite("RTMP service on its own event loops", .timeLimit(.minutes(2)))
struct RTMPServiceTests {
    @Test("a publish is segmented; at shutdown the playlist ends and the service's loop threads exit")
    func ownLoops() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var logger = Logger(label: "rtmp-service-test")
        logger.logLevel = .warning
        let hub = LiveHub(root: root, configuration: LiveConfiguration(idleTimeout: .seconds(60)), logger: logger)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let service = RTMPService(host: "127.0.0.1", port: 0, threads: 2, hub: hub, logger: logger, onBound: { portSink.yield($0) })
        let group = try #require(service.ownedGroup)
        var loopThreads: Set<String> = []
        for loop in group.makeIterator() {
            loopThreads.insert(try await loop.submit { try Self.currentThreadName() }.get())
        }
        #expect(loopThreads.count == 2)

        let services = ServiceGroup(services: [LiveHubService(hub: hub), service], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let publish = try await LiveFixtures.publish(port: port, key: "cam1", realtime: false)
        #expect(publish.status == 0, "\(publish.stderr)")
        #expect(await waitUntil(seconds: 15) { await hub.state(of: "cam1") == .idle }, "the publisher's end was seen")

        await services.triggerGracefulShutdown()
        try await running.value
        // Long before the idle timeout: the hub's service ended every playlist after the RTMP service stopped.
        #expect(LiveFixtures.read("\(root)/cam1/index.m3u8")?.contains("#EXT-X-ENDLIST") == true)
        #expect(
            await waitUntil(seconds: 30) { Self.threadNames().isDisjoint(with: loopThreads) }, "loop threads still running: \(loopThreads)")
    }

    /// NIO names a group's threads `NIO-ELT-<group>-#<n>`, unique in the process.
    static func currentThreadName() throws -> String {
        try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func threadNames() -> Set<String> {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(
            tasks.compactMap { task in
                (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.trimmingCharacters(
                    in: .whitespacesAndNewlines)
            })
    }
}
