/// Who wants to publish which stream, from the RTMP URL (`rtmp://host/<app>/<name>?query`) or
/// the WebSocket path.
public struct PublishRequest: Sendable, Equatable {
    public var app: String
    public var streamName: String
    /// Query parameters of the stream key (and of the app / tcUrl), e.g. `token`.
    public var query: [String: String]
    /// A bearer token from an HTTP `Authorization` header (WebSocket only).
    public var bearerToken: String?
    public var remoteAddress: String
    /// Configured by the operator (a pulled URL): no token needed.
    public var trusted: Bool

    public init(
        app: String, streamName: String, query: [String: String] = [:], bearerToken: String? = nil, remoteAddress: String,
        trusted: Bool = false
    ) {
        self.trusted = trusted
        self.app = app
        self.streamName = streamName
        self.query = query
        self.bearerToken = bearerToken
        self.remoteAddress = remoteAddress
    }

    /// The token offered: `?token=` or the bearer token.
    public var token: String? { query["token"] ?? bearerToken }

    /// Splits `name?a=b&c=d` into the name and its query.
    public static func splitQuery(_ text: String) -> (name: String, query: [String: String]) {
        guard let mark = text.firstIndex(of: "?") else { return (text, [:]) }
        var query: [String: String] = [:]
        for pair in text[text.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts[0]).removingPercentEncodingLite
            query[key] = parts.count > 1 ? String(parts[1]).removingPercentEncodingLite : ""
        }
        return (String(text[..<mark]), query)
    }
}
