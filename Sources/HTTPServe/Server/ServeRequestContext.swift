import Hummingbird
import HummingbirdWebSocket

/// The request context of every route of `hlsseg serve`, HTTP and WebSocket alike, so that
/// the WebSocket ingest (`WebSocketIngest`) can add `router.ws(…)` routes to the same router type.
public struct ServeRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
    }
}
