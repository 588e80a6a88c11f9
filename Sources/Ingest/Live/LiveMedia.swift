import Segmenter

/// What a live publisher (RTMP, WebSocket) delivers to the stream it feeds, in order.
public enum LiveMediaEvent: Sendable, Equatable {
    /// The tracks of the stream: first before any packet, again when a sequence header changes
    /// the codec parameters (the packager then starts a new init file after a discontinuity).
    case tracks([Track])
    case packet(MediaPacket)
}

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

    public init(app: String, streamName: String, query: [String: String] = [:], bearerToken: String? = nil, remoteAddress: String, trusted: Bool = false) {
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

extension String {
    /// `%XX` decoding without Foundation; invalid escapes are kept as they are.
    var removingPercentEncodingLite: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What the live side answers to a publish request.
public enum PublishDecision: Sendable {
    /// Accepted: send the media into this queue, and `finish` it when the publisher is gone.
    case accept(LiveMediaQueue)
    /// Refused; the reason goes into the log and, for RTMP, into the onStatus description.
    case refuse(PublishRefusal)
}

public struct PublishRefusal: Error, Sendable, Equatable {
    /// `outputRefused`: the stream's folder cannot be written safely (it, or an entry of it,
    /// is a symbolic link) or at all.
    public enum Kind: String, Sendable { case badName, alreadyPublishing, unauthorized, outputRefused }
    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}

/// Decides on publish requests; implemented by the live hub (HTTPServe).
public protocol PublishHandler: Sendable {
    func publish(_ request: PublishRequest) async -> PublishDecision
}

/// Unwraps 32-bit millisecond timestamps into a continuous 64-bit clock (RTMP timestamps wrap
/// after ~49.7 days): a step back of more than half the range is a wrap, not a reorder.
struct TimestampUnwrapper: Sendable {
    private var last: UInt32?
    private var base: Int64 = 0

    mutating func unwrap(_ raw: UInt32) -> Int64 {
        if let last {
            if raw < last, last - raw > 1 << 31 { base += 1 << 32 }
            else if raw > last, raw - last > 1 << 31, base > 0 { base -= 1 << 32 }  // a late frame from before a wrap
        }
        last = raw
        return base + Int64(raw)
    }
}
