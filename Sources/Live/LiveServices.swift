import Ingest
import Logging
import Hummingbird
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization

/// Live ingest for `hlsseg serve`: the RTMP service and the WebSocket route `/ingest/<stream>`.
public struct LiveIngest: ServeExtension {
    public let configuration: LiveConfiguration
    public let rtmpHost: String
    /// nil: no RTMP listener.
    public let rtmpPort: Int?
    /// Event loop threads of the RTMP listener (see `RTMPService.init(host:port:threads:…)`).
    public let rtmpThreads: Int
    /// Message size, pending connections and their buffer budget (`--rtmp-max-…`).
    public let rtmpLimits: RTMPServerLimits
    private let hubBox: HubBox

    /// One RTMP thread per four cores, at least one.
    public static var defaultRTMPThreads: Int { max(1, System.coreCount / 4) }

    public init(
        configuration: LiveConfiguration, rtmpHost: String = "0.0.0.0", rtmpPort: Int? = 1935, rtmpThreads: Int = LiveIngest.defaultRTMPThreads,
        rtmpLimits: RTMPServerLimits = RTMPServerLimits()
    ) {
        self.configuration = configuration
        self.rtmpHost = rtmpHost
        self.rtmpPort = rtmpPort
        self.rtmpThreads = rtmpThreads
        self.rtmpLimits = rtmpLimits
        self.hubBox = HubBox()
    }

    /// The hub, made once the server's root is known.
    public func hub(environment: ServeEnvironment) -> LiveHub {
        hubBox.hub(
            root: environment.root, configuration: configuration, logger: environment.logger,
            metrics: environment.metrics.registry)
    }

    public var usesWebSocket: Bool { true }

    public func addWebSocketRoutes(to router: Router<ServeRequestContext>, environment: ServeEnvironment) {
        WebSocketIngest(hub: hub(environment: environment), logger: environment.logger).addRoutes(to: router)
    }

    public func services(environment: ServeEnvironment) -> [any Service] {
        let hub = hub(environment: environment)
        var services: [any Service] = [LiveHubService(hub: hub)]
        let pulled = configuration.streams.sorted { $0.key < $1.key }.compactMap { name, settings in
            settings.pullURL.map { PulledSource(streamName: name, url: $0, options: InputOptions(realtime: settings.pullRealtime)) }
        }
        if !pulled.isEmpty { services.append(PulledSourcesService(sources: pulled, hub: hub, logger: environment.logger)) }
        if let rtmpPort {
            services.append(
                RTMPService(host: rtmpHost, port: rtmpPort, threads: rtmpThreads, hub: hub, logger: environment.logger, limits: rtmpLimits))
        }
        return services
    }
}

/// One hub per extension, made on first use (routes and services are asked for separately).
final class HubBox: Sendable {
    private let storage = Mutex<LiveHub?>(nil)

    func hub(root: String, configuration: LiveConfiguration, logger: Logger, metrics: PrometheusCollectorRegistry) -> LiveHub {
        storage.withLock { stored in
            if let stored { return stored }
            let hub = LiveHub(root: root, configuration: configuration, logger: logger, metrics: LiveMetrics(registry: metrics))
            stored = hub
            return hub
        }
    }
}
