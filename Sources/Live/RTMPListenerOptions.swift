import Ingest
import NIOCore

/// Where and how `hlsseg serve` listens for RTMP publishers (`--rtmp-host`, `--rtmp-port`,
/// `--rtmp-threads`, `--rtmp-max-…`; see `RTMPService.init(host:port:threads:…)`).
public struct RTMPListenerOptions: Sendable {
    public var host: String
    /// 0: any free port.
    public var port: Int
    /// Event loop threads reading publishers.
    public var threads: Int
    /// Message size, pending connections and their buffer budget.
    public var limits: RTMPServerLimits

    /// One RTMP thread per four cores, at least one.
    public static var defaultThreads: Int { max(1, System.coreCount / 4) }

    public init(
        host: String = "0.0.0.0", port: Int = 1935, threads: Int = RTMPListenerOptions.defaultThreads,
        limits: RTMPServerLimits = RTMPServerLimits()
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.limits = limits
    }
}
