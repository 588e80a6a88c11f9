import ServiceLifecycle

/// The live hub's own part of `hlsseg serve`'s ServiceGroup: when the server starts, the
/// streams a previous run left open are taken up (`LiveHub.adoptStreamsLeftOpen`); on graceful
/// shutdown every live playlist ends (`LiveHub.finishAll`; the only service that ends them).
/// It comes first among the live services (`LiveServices`), so it is the last to shut down,
/// after the listeners that feed the hub.
public struct LiveHubService: Service {
    public let hub: LiveHub

    public init(hub: LiveHub) {
        self.hub = hub
    }

    public func run() async throws {
        await hub.adoptStreamsLeftOpen()
        try? await gracefulShutdown()
        await hub.finishAll()
    }
}
