import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers `GET`/`HEAD /hls/<stream>/<file>` for files in the memory cache without NIO's
/// HTTP/1 codec, Hummingbird's router and its per-request task.
///
/// For a small playlist most of a request's CPU went to that machinery (parsing and encoding
/// heads, converting them to swift-http-types, task allocation, executor hops), not to our
/// code; here the head is read byte by byte (`RequestHead`) and the answer written as one
/// buffer on the connection's event loop. The rules are not repeated: the same
/// `StreamFile.locate` and `FileResponder.answer` as the Hummingbird route make status and
/// headers, the fields Hummingbird adds around them (Content-Length of bodiless answers, CORS,
/// Date, Server) are added the same way, and `MadeResponse` writes the bytes NIO's encoder
/// would. Whatever would need more than a cache hit and a few header fields returns nil and
/// goes to Hummingbird unchanged: a file not cached yet, one streamed from disk, a gzip
/// encoding not made yet, a `Content-Length` field, other methods, paths of any other shape
/// (and `RequestHead` leaves everything it does not read with certainty to NIO's decoder).
///
/// One instance is shared by every connection; `StreamFileFastPathHandler` is the
/// per-connection part.
final class StreamFileFastPath: Sendable {
    let root: String
    let files: FileResponder
    let metrics: ServeMetrics
    let corsOrigin: String?
    let serverName: String
    private let answeredCount = Atomic<Int>(0)

    init(root: String, files: FileResponder, metrics: ServeMetrics, corsOrigin: String?, serverName: String) {
        self.root = root
        self.files = files
        self.metrics = metrics
        self.corsOrigin = corsOrigin
        self.serverName = serverName
    }

    /// Requests answered here so far (tests use it to prove the fast path took a request).
    var answered: Int { answeredCount.load(ordering: .relaxed) }

    /// The response to `request`, or nil when Hummingbird must answer it. Kept responses (see
    /// `CachedFile.madeResponses`) make the common case a lookup.
    func respond(to request: RequestHead, date: DateField) -> MadeResponse? {
        let method: HTTPRequest.Method
        switch request.method {
        case .get: method = .get
        case .head: method = .head
        case .other: return nil
        }
        guard !request.shape.hasContentLength, let rawPath = Self.streamFilePath(request.target) else { return nil }
        let made: MadeResponse
        switch StreamFile.locate(rawPath: rawPath, root: root) {
        case .refused(let status):
            guard let refusal = finish(.refusal(status), date: date) else { return nil }
            made = refusal
        case .found(let file):
            guard let lookup = files.cache.lookupInMemory(path: file.path, version: file.version) else { return nil }
            var memo: (file: CachedFile, key: Int)?
            if case .memory(let cached) = lookup, let key = request.shape.memoKey(method: request.method, kind: file.kind) {
                memo = (cached, key)
                if let hit = cached.madeResponses.withLockedValue({ $0[key] }), hit.second == date.second {
                    made = hit
                    break
                }
            }
            guard
                let answer = files.answer(
                    method: method, headers: request.fields, path: file.path, name: file.name, kind: file.kind,
                    lookup: lookup, compress: false),
                let response = finish(answer, date: date)
            else { return nil }
            made = response
            if let memo { memo.file.madeResponses.withLockedValue { $0[memo.key] = response } }
        }
        answeredCount.wrappingAdd(1, ordering: .relaxed)
        return made
    }

    /// The answer as Hummingbird would send it: `Response.init` (Content-Length of bodiless
    /// answers), then what the CORS middleware and `Application` add, in their order, then
    /// the bytes of NIO's encoder.
    private func finish(_ answer: FileAnswer, date: DateField) -> MadeResponse? {
        guard let response = answer.inMemoryResponse else { return nil }
        var head = response.head
        if let corsOrigin { CORSHeaders.add(origin: corsOrigin, to: &head.headerFields) }
        head.headerFields[.date] = date.text
        head.headerFields[.server] = serverName
        let body: ByteBuffer? = if case .bytes(let bytes) = answer.body { bytes } else { nil }
        return MadeResponse(response: head, body: body, second: date.second)
    }

    /// The path of a request target shaped `/hls/<a>/<b>` (query dropped, as Hummingbird's
    /// `URI.path` does), or nil for anything else.
    ///
    /// Only this shape is taken, and only plain characters, so that the router would surely
    /// have sent it to the `/hls/**` route (same metrics label); the names may still be
    /// refused (`..`, hidden files), as the route refuses them. Longer targets than the
    /// request limit go to Hummingbird for its 414; `%`, NUL and the like for its 400.
    /// Whether a query (from its `?`) names `start` or `end` (`TimeRangePlaylist`).
    static func asksForTimeRange(_ query: Substring) -> Bool {
        query.dropFirst().split(separator: "&").contains { $0.hasPrefix("start=") || $0.hasPrefix("end=") }
    }

    static func streamFilePath(_ target: String) -> String? {
        let bytes = target.utf8
        guard bytes.count <= RequestLimits.maxTargetLength, bytes.starts(with: "/hls/".utf8) else { return nil }
        var slashes = 0
        var previous = UInt8(ascii: "/")
        var index = bytes.index(bytes.startIndex, offsetBy: "/hls/".utf8.count)
        var pathEnd = bytes.endIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "?"):
                // A time range of a playlist is made by the router's route.
                if Self.asksForTimeRange(target[String.Index(index, within: target)!...]) { return nil }
                pathEnd = index
                index = bytes.endIndex
                continue
            case UInt8(ascii: "/"):
                guard previous != UInt8(ascii: "/") else { return nil }
                slashes += 1
            default:
                guard SafePath.isNameByte(byte) else { return nil }
            }
            previous = byte
            bytes.formIndex(after: &index)
        }
        guard slashes == 1, previous != UInt8(ascii: "/") else { return nil }
        return pathEnd == bytes.endIndex ? target : String(target[..<pathEnd])
    }
}

/// The `Date` field value, formatted once per second (Hummingbird keeps one the same way).
struct DateField {
    private(set) var second = -1
    private(set) var text = ""

    /// Moves to the current second.
    mutating func update() {
        let now = Int(time(nil))
        if now != second {
            second = now
            text = HTTPDate.format(secondsSince1970: now)
        }
    }
}
