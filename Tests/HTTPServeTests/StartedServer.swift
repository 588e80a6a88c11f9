import HTTPServe
import Logging
import ServiceLifecycle

/// An `HLSServer` running in a service group of its own on a free loopback port: what the tests
/// that stop a server gracefully, and look at what it did then, start with.
struct StartedServer {
    let port: Int
    let group: ServiceGroup
    let run: Task<Void, any Error>

    static func start(_ server: HLSServer, logger: Logger) async throws -> StartedServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.buildApplication { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let run = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            run.cancel()
            throw RawHTTPConnection.Failure(description: "the server did not start")
        }
        return StartedServer(port: port, group: group, run: run)
    }

    /// Graceful shutdown, then waits for the server to end.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await run.value
    }
}
