import Export
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Ingest
import Logging
import NIOCore
import Packager
import ServiceLifecycle

/// `hlsseg serve`: streams under `/hls/<name>/<file>`, the JSON API, `/healthz`, `/metrics`,
/// the www/ page, and with an ingest handler the WebSocket route `/ingest/<stream>`.
public struct HLSServer: Sendable {
    public let environment: ServeEnvironment
    /// Adds the `router.ws(…)` routes to the router consulted for upgrade requests; nil: the
    /// server takes no WebSocket upgrades (plain HTTP/1.1 channels).
    let webSocketRoutes: (@Sendable (Router<ServeRequestContext>) -> Void)?
    private let files: FileResponder
    private let catalog: StreamCatalog
    /// The archive index of every stream under the root: recordings, time ranges and exports
    /// are answered from it. Shared with whatever else reads the archive in this process.
    public let archive: ArchiveCatalog
    private let export: ExportRoute
    private let wwwRoot: String?
    /// Answers cached stream files on the event loop; nil when `configuration.streamFastPath` is off.
    let fastPath: StreamFileFastPath?

    /// The route pattern of stream files, also the `route` label of their metrics.
    static let streamFileRoute = "/hls/**"
    /// The `Server` field of every response.
    static let serverName = "hlsseg"

    /// Creates the root folder if it is missing. With `ingest`, WebSocket upgrades are taken
    /// and `/ingest/<stream>` publishes through it (`WebSocketIngest`); the server reaches live
    /// state through nothing else. `archive`: the root's archive catalog when the caller shares
    /// one (else the server makes its own); either way it is loaded here (`loadAll`).
    public init(
        configuration: ServeConfiguration, ingest: (any PublishHandler)? = nil, metrics: ServeMetrics = ServeMetrics(),
        archive: ArchiveCatalog? = nil, logger: Logger
    ) throws {
        let webSocketRoutes = ingest.map { handler in
            { @Sendable (router: Router<ServeRequestContext>) in
                WebSocketIngest(handler: handler, logger: logger).addRoutes(to: router)
            }
        }
        try self.init(configuration: configuration, metrics: metrics, archive: archive, logger: logger, webSocketRoutes: webSocketRoutes)
    }

    /// `webSocketRoutes`: any WebSocket routes (tests add their own, or none, to run the
    /// WebSocket-upgrade channel variant without the ingest).
    init(
        configuration: ServeConfiguration, metrics: ServeMetrics = ServeMetrics(), archive: ArchiveCatalog? = nil, logger: Logger,
        webSocketRoutes: (@Sendable (Router<ServeRequestContext>) -> Void)?
    ) throws {
        let root = try Self.canonicalRoot(configuration.root)
        let archive = archive ?? ArchiveCatalog(root: root, logger: logger)
        Self.load(archive, logger: logger)
        self.archive = archive
        var wwwRoot: String?
        if let www = configuration.www {
            guard let real = SafePath.realPath(www), FileManager.default.fileExists(atPath: real + "/index.html") else {
                throw HTTPServeError(.badWWW, "--www \(www) has no index.html")
            }
            wwwRoot = real
        }
        self.environment = ServeEnvironment(configuration: configuration, root: root, metrics: metrics, logger: logger)
        self.webSocketRoutes = webSocketRoutes
        self.wwwRoot = wwwRoot
        self.files = FileResponder(
            cache: FileCache(maxFileSize: configuration.maxCachedFileSize, capacity: configuration.cacheCapacity),
            configuration: configuration)
        self.catalog = StreamCatalog(root: root, playlistName: configuration.playlistName)
        self.export = ExportRoute(
            catalog: archive, planner: ExportPlanner(cache: SegmentIndexCache(), logger: logger),
            maxDuration: configuration.exportMaxDuration, logger: logger)
        self.fastPath =
            configuration.streamFastPath
            ? StreamFileFastPath(
                root: root, files: files, metrics: metrics, corsOrigin: configuration.corsOrigin, serverName: Self.serverName)
            : nil
    }

    /// Loads every stream's archive index and logs how long that took.
    private static func load(_ archive: ArchiveCatalog, logger: Logger) {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let summary = try archive.loadAll()
            let elapsed = started.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let repaired = summary.repaired > 0 ? " (\(summary.repaired) repaired)" : ""
            logger.info(
                "archive indexes loaded: \(summary.streams) streams, \(summary.segments) segments in \(String(format: "%.3f", seconds)) s\(repaired)"
            )
        } catch {
            logger.error("archive indexes cannot be loaded: \(error.reason)")
        }
    }

    /// The stream root `path` made canonical (symbolic links resolved), created first if it is
    /// missing. What the server serves from (`environment.root`); the live hub that writes into
    /// the same root is given this path too.
    public static func canonicalRoot(_ path: String) throws(HTTPServeError) -> String {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
            let root = SafePath.realPath(path)
        else {
            throw HTTPServeError(.badRoot, "--root \(path) is not a folder that can be created or read")
        }
        return root
    }

    /// The router with every route; tests drive it in-process (HummingbirdTesting).
    public func buildRouter() -> Router<ServeRequestContext> {
        let router = Router(context: ServeRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: environment.metrics))
        if let origin = environment.configuration.corsOrigin {
            router.add(middleware: CORSHeadersMiddleware(origin: origin))
        }
        router.add(middleware: RequestLimitMiddleware())

        router.get(RouterPath(Self.streamFileRoute), use: serveStreamFile)
        router.head(RouterPath(Self.streamFileRoute), use: serveStreamFile)
        addAPIRoutes(to: router)
        router.get("/", use: servePage)
        router.head("/", use: servePage)
        router.get("/**", use: servePage)
        router.head("/**", use: servePage)
        return router
    }

    /// The Hummingbird application: HTTP/1.1 (with WebSocket upgrades when the server has
    /// WebSocket routes), `services` in its ServiceGroup. Both channel kinds
    /// get the stream-file fast path in front of NIO's HTTP codec and Hummingbird, and
    /// `ConnectionCloseHandler` (refused heads answered, HTTP/1.0 and `Connection: close` closing).
    public func buildApplication(
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let configuration = environment.configuration
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: RequestLimits.maxHeaderFieldSize, maxHeaderListSize: RequestLimits.maxHeaderListSize,
            maxHeaderFieldCount: RequestLimits.maxHeaderFieldCount)
        let idleTimeout = TimeAmount.seconds(configuration.idleTimeoutSeconds)
        // With the fast path its handler keeps the idle timeout (see `StreamFileFastPathHandler`).
        let http1 =
            fastPath == nil
            ? HTTP1Channel.Configuration(idleTimeout: idleTimeout, httpDecoderConfiguration: decoder)
            : HTTP1Channel.Configuration(
                additionalChannelHandlers: [HandedOverRequestsHandler()], idleTimeout: nil, httpDecoderConfiguration: decoder)
        let webSocketResponder = webSocketRoutes.map { addRoutes in
            let router = Router(context: ServeRequestContext.self)
            addRoutes(router)
            return router.buildResponder()
        }
        // What `HTTPServerBuilder.http1` and `.http1WebSocketUpgrade` build, with RFC 9112's
        // closing rules (`ConnectionCloseHandler`) in front of Hummingbird and the fast path in
        // front of everything; connections accepted but never served while the server stops are
        // closed (`UnservedClosingChildChannel`).
        let fastPath = self.fastPath
        let server = HTTPServerBuilder { responder -> any ServerChildChannel in
            func wrapped(_ base: some ServerChildChannel) -> any ServerChildChannel {
                let closing = ConnectionCloseChildChannel(base: base)
                guard let fastPath else { return UnservedClosingChildChannel(base: closing) }
                return UnservedClosingChildChannel(
                    base: StreamFileChildChannel(base: closing, fastPath: fastPath, idleTimeout: idleTimeout))
            }
            if let webSocketResponder {
                // Frames and messages up to the ingest's message limit (hummingbird-websocket's
                // default is 16 KiB, less than one HD keyframe); unmasked client frames and longer
                // fragmented messages are refused by `ClientFrameCheckHandler`.
                let maximumMessageLength = WebSocketIngest.maximumMessageLength
                let upgrade = HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder,
                    configuration: .init(http1: http1, ws: .init(maxFrameSize: maximumMessageLength)))
                return wrapped(ClientFrameCheckingChannel(base: upgrade, maximumMessageLength: maximumMessageLength))
            }
            return wrapped(HTTP1Channel(responder: responder, configuration: http1))
        }
        return Application(
            router: buildRouter(), server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName),
            services: services, onServerRunning: onServerRunning, logger: environment.logger)
    }

    /// Runs until SIGINT or SIGTERM, then stops the server and every service in order.
    public func run(services: [any Service] = [], onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        async throws
    {
        try await buildApplication(services: services, onServerRunning: onServerRunning).runService()
    }

    // MARK: - Handlers

    @Sendable private func serveStreamFile(_ request: Request, context: ServeRequestContext) async throws -> Response {
        switch StreamFile.locate(rawPath: request.uri.path, root: environment.root) {
        case .refused(let status):
            return try await files.response(for: .refusal(status), context: context)
        case .found(let file):
            if file.kind == .playlist, TimeRangePlaylist.isAsked(in: request.uri.queryParameters) {
                return try TimeRangePlaylist.response(catalog: archive, query: request.uri.queryParameters, name: file.stream)
            }
            return try await files.respond(
                to: request, context: context, path: file.path, name: file.name, kind: file.kind, version: file.version)
        }
    }

    @Sendable private func servePage(_ request: Request, context: ServeRequestContext) async throws -> Response {
        guard let wwwRoot else { throw HTTPError(.notFound) }
        switch SafePath.wwwComponents(request.uri.path) {
        case .failure(let rejection): throw HTTPError(rejection == .badRequest ? .badRequest : .notFound)
        case .success(let components):
            guard let path = SafePath.resolveFile(base: wwwRoot, components: components) else {
                throw HTTPError(.notFound)
            }
            return try await files.respond(
                to: request, context: context, path: path, name: components.last ?? "index.html", kind: .page)
        }
    }

    private func addAPIRoutes(to router: Router<ServeRequestContext>) {
        let catalog = self.catalog
        let metrics = environment.metrics
        let export = self.export
        router.get(RouterPath(ExportRoute.path)) { request, context in try await export.respond(to: request, context: context) }
        router.head(RouterPath(ExportRoute.path)) { request, context in try await export.respond(to: request, context: context) }
        let recordings = RecordingsRoute(catalog: archive)
        router.get(RouterPath(RecordingsRoute.path)) { request, context in try recordings.respond(to: request, context: context) }
        let thumbnails = ThumbnailRoute(
            metrics: metrics, logger: environment.logger, lookup: ArchiveThumbnailSources(root: environment.root, archive: archive).lookup)
        router.get(RouterPath(ThumbnailRoute.path)) { request, context in try await thumbnails.respond(to: request, context: context) }
        router.get("/api/streams") { _, _ -> Response in
            try Self.json(StreamList(streams: catalog.allInfo()))
        }
        router.get("/api/streams/:name") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard let info = catalog.info(stream: name) else {
                throw HTTPError(.notFound, message: "no stream named '\(name)'")
            }
            return try Self.json(info)
        }
        router.get("/healthz") { _, _ -> Response in
            try Self.json(["status": "ok"])
        }
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render(catalog: catalog))))
        }
    }

    struct StreamList: Codable {
        var streams: [StreamInfo]
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
