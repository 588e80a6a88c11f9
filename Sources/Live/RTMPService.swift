import Ingest
import Logging
import Hummingbird
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// The RTMP listener of `hlsseg serve` as a ServiceLifecycle service: on graceful shutdown it
/// stops accepting and closes connections, then ends every live playlist.
public struct RTMPService: Service {
    public let server: RTMPServer
    public let hub: LiveHub
    private let onBound: @Sendable (Int) -> Void
    /// Event loops made for this service alone, shut down when it ends (nil: the server's
    /// group belongs to someone else).
    let ownedGroup: MultiThreadedEventLoopGroup?

    public init(server: RTMPServer, hub: LiveHub, onBound: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.server = server
        self.hub = hub
        self.onBound = onBound
        ownedGroup = nil
    }

    /// A listener on `threads` event loops of its own, not the HTTP server's (one per core).
    /// Publishers send small messages all the time, and a loop thread that serves more of them
    /// finds more sockets ready per wait: at 500 publishers on 2 cores, one thread for all of
    /// them used 6–15 % less CPU per frame than two, with the same publish latency (fewer
    /// wake-ups and context switches; docs/benchmarks.md). It was about half busy there, so
    /// one thread reads about 1,000 such publishers.
    /// `limits` bound what publishers, and connections that have not published yet, may make
    /// the server hold; refusals and pending connections are counted in the hub's metrics.
    public init(
        host: String, port: Int, threads: Int, hub: LiveHub, logger: Logger, limits: RTMPServerLimits = RTMPServerLimits(),
        onBound: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.server = RTMPServer(host: host, port: port, handler: hub, logger: logger, limits: limits, observer: hub.metrics, group: group)
        self.hub = hub
        self.onBound = onBound
        ownedGroup = group
    }

    public func run() async throws {
        do {
            let listener = try await server.bind()
            onBound(listener.port)
            try await cancelWhenGracefulShutdown { try await listener.run() }
        } catch is CancellationError {
        } catch {
            await end()
            throw error
        }
        await end()
    }

    /// Every live playlist ends; then the service's own loops stop (every connection is closed
    /// by now).
    private func end() async {
        await hub.finishAll()
        try? await ownedGroup?.shutdownGracefully()
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

/// The RTMP server's refusals and pending connections, as `GET /metrics` shows them.
extension LiveMetrics: RTMPServerObserver {
    public func rtmpConnectionRefused(_ reason: RTMPRefusalReason) {
        switch reason {
        case .pendingLimit: rtmpRefusedPendingLimit.increment()
        case .bufferBudget: rtmpRefusedBufferBudget.increment()
        }
    }

    public func rtmpPendingConnectionsChanged(by delta: Int) {
        rtmpPendingConnections.increment(by: Double(delta))
    }
}
