import Logging

/// What the server was made with: where streams live, the metrics registry, a logger.
public struct ServeEnvironment: Sendable {
    public let configuration: ServeConfiguration
    /// The stream root, canonical (symlinks resolved, `HLSServer.canonicalRoot(_:)`): stream
    /// `name` is in `root + "/" + name`.
    public let root: String
    public let metrics: ServeMetrics
    public let logger: Logger
}
