import Foundation
import Hummingbird

/// What a served file is, which decides its caching rules.
enum ServedFileKind: Sendable {
    /// `.m3u8`: `no-cache` while live, a short max-age once it has `EXT-X-ENDLIST`; gzip on request.
    case playlist
    /// `.m4s` / `.mp4` and other media under `/hls`: written once, never changed: immutable.
    case media
    /// www/ files: revalidated on every load so an edited page shows at once.
    case page

    static func forStreamFile(_ name: String) -> ServedFileKind {
        name.hasSuffix(".m3u8") ? .playlist : .media
    }
}

/// Serves one file with the headers players and CDNs rely on: Content-Type, Cache-Control,
/// ETag, Last-Modified, conditional GET (304), single byte ranges incl. suffix ranges (206/416),
/// HEAD, and gzip for playlists.
struct FileResponder: Sendable {
    let cache: FileCache
    let configuration: ServeConfiguration
    let fileIO = FileIO()

    func respond(
        to request: Request, context: some RequestContext, path: String, name: String, kind: ServedFileKind,
        version known: FileVersion? = nil
    ) async throws -> Response {
        guard let lookup = try await cache.lookup(path: path, isPlaylist: kind == .playlist, known: known) else {
            throw HTTPError(.notFound)
        }
        // With `compress: true` there is always an answer.
        let answer = answer(
            method: request.method, headers: request.headers, path: path, name: name, kind: kind, lookup: lookup,
            compress: true)!
        return try await response(for: answer, context: context)
    }

    /// The Hummingbird response for an answer, streaming from disk what the cache does not hold.
    func response(for answer: FileAnswer, context: some RequestContext) async throws -> Response {
        if let response = answer.inMemoryResponse { return response }
        guard case .file(let path, let range) = answer.body else { preconditionFailure("in-memory answers handled above") }
        let stream =
            if let range { try await fileIO.loadFile(path: path, range: range, context: context) } else {
                try await fileIO.loadFile(path: path, context: context)
            }
        return Response(status: answer.status, headers: answer.headers, body: stream)
    }

    /// Status, headers and body source for a GET or HEAD of one file version: the one place
    /// the header rules live (the Hummingbird routes and the event-loop fast path both call it).
    ///
    /// `compress: false` is for callers that must not do CPU-heavy work (an event loop): when
    /// the gzip encoding is wanted but not made yet for this version, the answer is nil and
    /// the caller hands the request to a path that may compress.
    func answer(
        method: HTTPRequest.Method, headers request: HTTPFields, path: String, name: String, kind: ServedFileKind,
        lookup: FileCache.Lookup, compress: Bool
    ) -> FileAnswer? {
        let version: FileVersion
        let cached: CachedFile?
        switch lookup {
        case .memory(let file):
            version = file.version
            cached = file
        case .disk(let onDisk):
            version = onDisk
            cached = nil
        }

        var headers = HTTPFields()
        headers[.contentType] = MediaTypes.contentType(forFileName: name)
        headers[.acceptRanges] = "bytes"
        headers[.lastModified] = cached?.lastModified ?? HTTPDate.format(secondsSince1970: version.mtimeSeconds)
        headers[.cacheControl] = cacheControl(kind: kind, ended: cached?.hasEndList ?? false)

        // gzip only for playlists, only whole responses (ranges address the identity bytes).
        var body = cached?.bytes
        var etag = cached?.etag ?? version.etag
        if kind == .playlist {
            headers[.vary] = "Accept-Encoding"
            if request[.range] == nil, Self.acceptsGzip(request[values: .acceptEncoding]), let file = cached {
                switch file.gzip(makeIfMissing: compress) {
                case .made(let compressed):
                    body = compressed
                    etag = String(etag.dropLast()) + "-gz\""
                    headers[.contentEncoding] = "gzip"
                case .notMade: return nil
                case .tooBig, .failed: break
                }
            }
        }
        headers[.eTag] = etag

        if isNotModified(method: method, headers: request, version: version, kind: kind) {
            headers[.contentEncoding] = nil
            return FileAnswer(status: .notModified, headers: headers, body: .empty)
        }

        let size = body?.readableBytes ?? version.size
        var range = ByteRangeRequest(header: request[.range], size: size)
        if let ifRange = request[.ifRange], range != .whole, !Self.ifRangeMatches(ifRange, etag: etag, version: version) {
            range = .whole
        }
        let isHead = method == .head
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return FileAnswer(status: .rangeNotSatisfiable, headers: headers, body: .empty)
        case .whole:
            headers[.contentLength] = String(size)
            if isHead { return FileAnswer(status: .ok, headers: headers, body: .empty) }
            if let body { return FileAnswer(status: .ok, headers: headers, body: .bytes(body)) }
            return FileAnswer(status: .ok, headers: headers, body: .file(path: path, range: nil))
        case .partial(let bytes):
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            headers[.contentLength] = String(bytes.count)
            if isHead { return FileAnswer(status: .partialContent, headers: headers, body: .empty) }
            if let body {
                let slice = body.getSlice(at: body.readerIndex + bytes.lowerBound, length: bytes.count) ?? ByteBuffer()
                return FileAnswer(status: .partialContent, headers: headers, body: .bytes(slice))
            }
            return FileAnswer(status: .partialContent, headers: headers, body: .file(path: path, range: bytes))
        }
    }

    func cacheControl(kind: ServedFileKind, ended: Bool) -> String {
        switch kind {
        case .playlist: ended ? "public, max-age=\(configuration.endedPlaylistMaxAge)" : "no-cache"
        case .media: "public, max-age=\(configuration.immutableMaxAge), immutable"
        case .page: "no-cache"
        }
    }

    /// RFC 9110 §13.2.2: `If-None-Match` first; `If-Modified-Since` only without it.
    ///
    /// Last-Modified has whole seconds, so for files that change (playlists, pages) a date
    /// equal to the file's second proves nothing (it may have changed again within that
    /// second) and only a strictly later date gives 304. Clients that send the ETag, as
    /// browsers and players do, get 304 exactly.
    func isNotModified(method: HTTPRequest.Method, headers: HTTPFields, version: FileVersion, kind: ServedFileKind) -> Bool {
        guard method == .get || method == .head else { return false }
        let values = headers[values: .ifNoneMatch]
        if !values.isEmpty {
            let base = version.etag
            for value in values {
                for candidate in value.split(separator: ",") {
                    var tag = candidate.trimmingCharacters(in: .whitespaces)
                    if tag == "*" { return true }
                    if tag.hasPrefix("W/") { tag.removeFirst(2) }
                    if tag.hasSuffix("-gz\"") { tag = String(tag.dropLast(4)) + "\"" }
                    if tag == base { return true }
                }
            }
            return false
        }
        guard let text = headers[.ifModifiedSince], let since = HTTPDate.parse(text) else { return false }
        return kind == .media ? version.mtimeSeconds <= since : version.mtimeSeconds < since
    }

    static func ifRangeMatches(_ value: String, etag: String, version: FileVersion) -> Bool {
        let value = value.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("\"") { return value == etag }
        if value.hasPrefix("W/") { return false }  // weak validators never match If-Range
        return HTTPDate.parse(value) == version.mtimeSeconds
    }

    /// `Accept-Encoding` names gzip (or `*`) with a non-zero quality.
    static func acceptsGzip(_ values: [String]) -> Bool {
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";")
                guard let coding = parts.first?.trimmingCharacters(in: .whitespaces).lowercased(), coding == "gzip" || coding == "*" else {
                    continue
                }
                let zero = parts.dropFirst().contains { parameter in
                    let text = parameter.trimmingCharacters(in: .whitespaces).lowercased()
                    return text.hasPrefix("q=") && (Double(text.dropFirst(2)) ?? 1) == 0
                }
                if !zero { return true }
            }
        }
        return false
    }
}

/// Content-Type by file extension.
enum MediaTypes {
    static func contentType(forFileName name: String) -> String {
        let ext = name.lastIndex(of: ".").map { name[name.index(after: $0)...].lowercased() } ?? ""
        switch ext {
        case "m3u8": return "application/vnd.apple.mpegurl"
        case "m4s": return "video/iso.segment"
        case "mp4", "m4v": return "video/mp4"
        case "m4a": return "audio/mp4"
        case "ts": return "video/mp2t"
        case "aac": return "audio/aac"
        case "vtt": return "text/vtt; charset=utf-8"
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "ico": return "image/x-icon"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
