import Ingest
import Logging
import ServiceLifecycle

/// The pulled sources of the configuration, each retried with backoff until graceful
/// shutdown. Each source's queue ends when it stops; ending the playlists is
/// `LiveHubService`'s, which shuts down after this service.
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
    }
}
