import ArgumentParser
import Foundation
import HTTPServe
import Ingest
import Live
import Logging
import Packager
import ServiceLifecycle

/// `hlsseg serve`: the HTTP server for the stream folders under `--root`, the web page and the
/// API, optionally with the looping demo stream.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the streams under --root over HTTP (HLS, web player, JSON API, /metrics).",
        discussion: """
            Streams in <root>/<name>/ are served at /hls/<name>/<file>; the player page is at /. \
            Feed a stream with `hlsseg segment --re INPUT -o <root>/<name>`, or start with --demo. \
            Stops cleanly on SIGINT or SIGTERM.
            """
    )

    @Option(help: "Folder whose subfolders are streams.")
    var root: String = "./streams"

    @Option(name: .customLong("http-port"), help: "HTTP port (0: any free port).")
    var httpPort: Int = 8080

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host: String = "127.0.0.1"

    @Option(help: "Folder of the web page (default: the www/ folder of the hlsseg checkout).")
    var www: String?

    @Option(name: .customLong("cors-origin"), help: "Access-Control-Allow-Origin value, or 'none'.")
    var corsOrigin: String = "*"

    @Flag(help: "Also run the demo: a generated clip looped as the live stream <root>/demo.")
    var demo = false

    @Option(name: .customLong("demo-name"), help: "Stream name of the demo.")
    var demoName: String = "demo"

    @Option(name: .customLong("cache-dir"), help: "Where the demo clip is kept (default ~/.cache/hlsseg).")
    var cacheDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(
        name: .customLong("export-max-duration"),
        help: "Longest stretch, in seconds, one /api/streams/<name>/export.mp4 request may ask for (default 14400).")
    var exportMaxDuration: Double = 4 * 3600

    func validate() throws {
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0…65535") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        guard exportMaxDuration.isFinite, exportMaxDuration > 0 else { throw ValidationError("--export-max-duration must be > 0") }
        guard StreamName.isValid(demoName) else {
            throw ValidationError("--demo-name must be a stream name: \(StreamName.rule)")
        }
    }

    @OptionGroup(title: "Live ingest")
    var live: LiveOptions

    func run() async throws {
        ServeLogHandler.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "hlsseg.serve")
        let configuration = ServeConfiguration(
            root: root, www: www ?? Self.defaultWWW(), host: host, port: httpPort,
            corsOrigin: corsOrigin == "none" ? nil : corsOrigin, exportMaxDuration: exportMaxDuration)
        let server: HLSServer
        let liveServices: LiveServices
        do {
            // RTMP publishers, WebSocket frame senders and pulled URLs (hlsseg.yml / --rtmp-port …)
            // go to the live hub, which writes into the root the server serves.
            let (liveConfiguration, rtmp) = try live.liveSettings()
            let root = try HLSServer.canonicalRoot(configuration.root)
            let metrics = ServeMetrics()
            // One archive catalog: the server answers time queries from it, retention keeps it
            // within its limits (and reports its size) when live streams are archived.
            let archive = ArchiveCatalog(root: root, logger: logger)
            liveServices = LiveServices(
                configuration: liveConfiguration, root: root, rtmp: rtmp, registry: metrics.registry, logger: logger,
                archive: liveConfiguration.archivePeriod > 0 ? archive : nil)
            server = try HLSServer(
                configuration: configuration, ingest: liveServices.hub, metrics: metrics, archive: archive, logger: logger)
        } catch {
            printError("hlsseg: error: \(error)")
            throw ExitCode.failure
        }
        var services: [any Service] = []
        if demo {
            let cache = cacheDir ?? (ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/hlsseg"
            services.append(
                DemoStream(
                    name: demoName, directory: server.environment.root + "/" + demoName, cacheDirectory: cache,
                    playlistUpdateLatency: server.environment.metrics.playlistUpdateLatency, logger: logger))
        }
        // One ServiceGroup: the demo, then the live services (the hub first, so it ends the
        // playlists after its listeners stopped), then the HTTP server; shut down in reverse.
        services += liveServices.services
        let host = self.host
        try await server.run(services: services) { channel in
            let port = channel.localAddress?.port ?? 0
            logger.info(
                "listening",
                metadata: [
                    "url": "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)/", "port": "\(port)",
                    "root": "\(server.environment.root)", "allocator": "\(MemoryAllocator.inUse)",
                ])
        }
    }

    /// The www/ folder next to the build: `<checkout>/.build*/<config>/hlsseg` → `<checkout>/www`;
    /// then `./www`. Nil (no page, API and streams only) when neither exists.
    static func defaultWWW() -> String? {
        var candidates: [String] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var url = URL(fileURLWithPath: executable)
            for _ in 0..<4 {
                url.deleteLastPathComponent()
                candidates.append(url.path + "/www")
            }
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/www")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/index.html") }
    }
}
