import Foundation
import Ingest
import Live
import Logging
import Prometheus
import ServiceLifecycle
import Testing

/// `LiveServices`, the live side of `hlsseg serve`: the order of its services, and that the
/// hub's own service is the only one that ends the hub.
@Suite("Live services", .serialized, .timeLimit(.minutes(1)))
struct LiveServicesTests {
    static func makeLogger() -> Logger {
        var logger = Logger(label: "live-services-test")
        logger.logLevel = .critical  // the pulled source's failed opens
        return logger
    }

    /// A configuration with one pulled stream (a file that does not exist: retried until shutdown).
    static func services(root: String, rtmp: RTMPListenerOptions?) -> LiveServices {
        let configuration = LiveConfiguration(streams: ["lobby": LiveStreamSettings(pullURL: root + "/missing.mp4")])
        return LiveServices(
            configuration: configuration, root: root, rtmp: rtmp, registry: PrometheusCollectorRegistry(), logger: makeLogger())
    }

    static func publishRequest(_ name: String) -> PublishRequest {
        PublishRequest(app: "live", streamName: name, remoteAddress: "test", trusted: true)
    }

    @Test("the hub's service comes first (it shuts down last), then the pulled sources, then the RTMP listener")
    func order() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let live = Self.services(root: root, rtmp: RTMPListenerOptions(host: "127.0.0.1", port: 0, threads: 1))
        #expect(live.services.map { "\(type(of: $0))" } == ["LiveHubService", "PulledSourcesService", "RTMPService"])
        #expect((live.services.first as? LiveHubService)?.hub === live.hub)
        let hubOnly = LiveServices(
            configuration: LiveConfiguration(), root: root, rtmp: nil, registry: PrometheusCollectorRegistry(), logger: Self.makeLogger())
        #expect(hubOnly.services.map { "\(type(of: $0))" } == ["LiveHubService"])
        // The RTMP service's own event loops stop only when it runs and ends.
        let group = ServiceGroup(services: live.services, gracefulShutdownSignals: [], logger: Self.makeLogger())
        await group.triggerGracefulShutdown()
        try await group.run()
    }

    @Test("the RTMP listener and the pulled sources stopping leave the hub taking publishers; the hub's service ends it")
    func onlyTheHubServiceEndsTheHub() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let live = Self.services(root: root, rtmp: RTMPListenerOptions(host: "127.0.0.1", port: 0, threads: 1))
        let feeders = ServiceGroup(services: Array(live.services.dropFirst()), gracefulShutdownSignals: [], logger: Self.makeLogger())
        let feeding = Task { try await feeders.run() }
        try await Task.sleep(for: .milliseconds(200))
        await feeders.triggerGracefulShutdown()
        try await feeding.value
        guard case .accept(let queue) = await live.hub.publish(Self.publishRequest("after-feeders")) else {
            Issue.record("the hub refused a publish after the RTMP and pulled-source services stopped")
            return
        }
        queue.finish(reason: nil)

        let hubGroup = ServiceGroup(services: [live.services[0]], gracefulShutdownSignals: [], logger: Self.makeLogger())
        await hubGroup.triggerGracefulShutdown()
        try await hubGroup.run()
        guard case .refuse(let refusal) = await live.hub.publish(Self.publishRequest("after-hub")) else {
            Issue.record("the hub took a publish after its service ended")
            return
        }
        #expect(refusal.reason.contains("shutting down"), "\(refusal.reason)")
    }
}
