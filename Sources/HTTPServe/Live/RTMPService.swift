import Ingest
import Logging
import Hummingbird
import Prometheus
import ServiceLifecycle
import Synchronization

/// The RTMP listener of `hlsseg serve` as a ServiceLifecycle service: on graceful shutdown it
/// stops accepting and closes connections, then ends every live playlist.
public struct RTMPService: Service {
    public let server: RTMPServer
    public let hub: LiveHub
    private let onBound: @Sendable (Int) -> Void

    public init(server: RTMPServer, hub: LiveHub, onBound: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.server = server
        self.hub = hub
        self.onBound = onBound
    }

    public func run() async throws {
        let listener = try await server.bind()
        onBound(listener.port)
        do {
            try await cancelWhenGracefulShutdown { try await listener.run() }
        } catch is CancellationError {
        } catch {
            await hub.finishAll()
            throw error
        }
        await hub.finishAll()
    }
}

/// The pulled sources of the configuration, each retried with backoff until shutdown.
public struct PulledSourcesService: Service {
    public let sources: [PulledSource]
    public let hub: LiveHub
    let logger: Logger

    public init(sources: [PulledSource], hub: LiveHub, logger: Logger) {
        self.sources = sources
        self.hub = hub
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for source in sources {
                    group.addTask { await source.run(handler: hub, logger: logger) }
                }
            }
        }
        await hub.finishAll()
    }
}

/// Live ingest for `hlsseg serve`: the RTMP service and the WebSocket route `/ingest/<stream>`.
public struct LiveIngest: ServeExtension {
    public let configuration: LiveConfiguration
    public let rtmpHost: String
    /// nil: no RTMP listener.
    public let rtmpPort: Int?
    private let hubBox: HubBox

    public init(configuration: LiveConfiguration, rtmpHost: String = "0.0.0.0", rtmpPort: Int? = 1935) {
        self.configuration = configuration
        self.rtmpHost = rtmpHost
        self.rtmpPort = rtmpPort
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
        var services: [any Service] = []
        let pulled = configuration.streams.sorted { $0.key < $1.key }.compactMap { name, settings in
            settings.pullURL.map { PulledSource(streamName: name, url: $0, options: InputOptions(realtime: settings.pullRealtime)) }
        }
        if !pulled.isEmpty { services.append(PulledSourcesService(sources: pulled, hub: hub, logger: environment.logger)) }
        if let rtmpPort {
            services.append(RTMPService(server: RTMPServer(host: rtmpHost, port: rtmpPort, handler: hub, logger: environment.logger), hub: hub))
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
