import Ingest
import Logging
import NIOPosix
import ServiceLifecycle

/// The RTMP listener of `hlsseg serve` as a ServiceLifecycle service: on graceful shutdown it
/// stops accepting and closes connections (which ends each publisher's queue), then stops its
/// own event loops. Ending the playlists is `LiveHubService`'s, which shuts down after it.
public struct RTMPService: Service {
    public let server: RTMPServer
    private let onBound: @Sendable (Int) -> Void
    /// Event loops made for this service alone, shut down when it ends (nil: the server's
    /// group belongs to someone else).
    let ownedGroup: MultiThreadedEventLoopGroup?

    public init(server: RTMPServer, onBound: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.server = server
        self.onBound = onBound
        ownedGroup = nil
    }

    /// A listener on `threads` event loops of its own, not the HTTP server's (one per core).
    /// Publishers send small messages all the time, and a loop thread that serves more of them
    /// finds more sockets ready per wait, so fewer threads than cores means fewer wake-ups and
    /// context switches for the same publish latency (measurements and the number of
    /// publishers one thread keeps up with: docs/benchmarks.md).
    /// `limits` bound what publishers, and connections that have not published yet, may make
    /// the server hold; refusals and pending connections are counted in the hub's metrics.
    public init(
        host: String, port: Int, threads: Int, hub: LiveHub, logger: Logger, limits: RTMPServerLimits = RTMPServerLimits(),
        onBound: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.server = RTMPServer(host: host, port: port, handler: hub, logger: logger, limits: limits, observer: hub.metrics, group: group)
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

    /// The service's own loops stop (every connection is closed by now).
    private func end() async {
        try? await ownedGroup?.shutdownGracefully()
    }
}
