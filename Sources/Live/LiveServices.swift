import Ingest
import Logging
import Prometheus
import ServiceLifecycle

/// The live side of `hlsseg serve`: one hub for the stream root and the services that run it,
/// for the executable to put into its ServiceGroup beside the HTTP server (which takes `hub`
/// as its WebSocket ingest's `PublishHandler`).
///
/// `services` are in ServiceGroup order: `LiveHubService` first, so that it shuts down last,
/// after everything that feeds the hub; it alone ends the live playlists (`LiveHub.finishAll`).
/// Then retention (it withdraws segments through the hub, so it stops before the hub does),
/// then the pulled sources, then the RTMP listener.
public struct LiveServices: Sendable {
    public let hub: LiveHub
    public let services: [any Service]
    /// Keeps the archive within its limits; nil without an archive.
    public let retention: RetentionService?

    /// - Parameters:
    ///   - root: the canonical stream root: stream `name` is written into `root + "/" + name`.
    ///   - rtmp: nil: no RTMP listener.
    ///   - registry: where `LiveMetrics` registers (the server's, so `GET /metrics` shows them).
    ///   - archive: the archive of the streams this server writes, loaded; retention works on it
    ///     (and reports its size) with the limits of `configuration`. nil: no retention.
    ///   - retentionInterval: time between retention passes.
    public init(
        configuration: LiveConfiguration, root: String, rtmp: RTMPListenerOptions?, registry: PrometheusCollectorRegistry,
        logger: Logger, archive: (any RetentionArchive)? = nil, retentionInterval: Duration = .seconds(10)
    ) {
        let metrics = LiveMetrics(registry: registry)
        let hub = LiveHub(root: root, configuration: configuration, logger: logger, metrics: metrics)
        var services: [any Service] = [LiveHubService(hub: hub)]
        let retention = archive.map {
            RetentionService(
                archive: $0, live: hub, root: root, configuration: configuration, metrics: metrics, logger: logger,
                interval: retentionInterval)
        }
        if let retention {
            services.append(retention)
            // Without a limit a pass only reports sizes: its interval does.
            if configuration.hasRetention { hub.segmentListed.setHandler { retention.segmentListed() } }
        }
        let pulled = configuration.streams.sorted { $0.key < $1.key }.compactMap { name, settings in
            settings.pullURL.map { PulledSource(streamName: name, url: $0, options: InputOptions(realtime: settings.pullRealtime)) }
        }
        if !pulled.isEmpty { services.append(PulledSourcesService(sources: pulled, hub: hub, logger: logger)) }
        if let rtmp {
            services.append(
                RTMPService(host: rtmp.host, port: rtmp.port, threads: rtmp.threads, hub: hub, logger: logger, limits: rtmp.limits))
        }
        self.hub = hub
        self.services = services
        self.retention = retention
    }
}
