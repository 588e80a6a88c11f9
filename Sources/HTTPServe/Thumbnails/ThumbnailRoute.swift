import Export
import Foundation
import Hummingbird
import Ingest
import Logging
import NIOCore
import NIOPosix

/// `GET /api/streams/<name>/thumbnail.jpg[?at=T][&width=N]`: the first keyframe of the segment
/// at or before T, as a JPEG `width` pixels wide (default 320, 16…1920), its height keeping the
/// picture's display aspect ratio (even). No T: the newest segment. T is the export route's: an
/// ISO 8601 date-time, seconds ≥ 0 from the start of the recording, or negative seconds before
/// its live edge.
///
/// Answers: 200 `image/jpeg` with a strong ETag (304 to `If-None-Match`); `Cache-Control` long
/// when the request will always name the same segment (`ThumbnailSource.isSettled`), else
/// `no-cache`. 400 with a JSON reason for a malformed T or width or a T outside the recording;
/// 404 when there is no recording or the segment does not decode; 503 when too many thumbnails
/// are being made (`ThumbnailWorkers`).
struct ThumbnailRoute: Sendable {
    static let path = "/api/streams/:name/thumbnail.jpg"
    /// `Cache-Control` of a settled request: a date's segment and its picture never change.
    static let settledCacheControl = "public, max-age=86400, immutable"

    let lookup: ThumbnailSourceLookup
    let workers: ThumbnailWorkers

    /// `lookup`: where requests find their segment (the server's: `ArchiveThumbnailSources`).
    init(metrics: ServeMetrics, logger: Logger, lookup: @escaping ThumbnailSourceLookup, cache: ThumbnailCache = ThumbnailCache()) {
        self.lookup = lookup
        self.workers = ThumbnailWorkers(cache: cache, metrics: metrics, logger: logger)
    }

    func respond(to request: Request, context: ServeRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard StreamName.isValid(Substring(name)) else { throw HTTPError(.notFound, message: "no stream named '\(name)'") }
        let query = request.uri.queryParameters
        let at = try RecordingRange.time("at", in: query)
        let width = try Self.width(in: query)
        let lookup = self.lookup
        // The lookup may read a playlist and the segment is stat'ed: both may wait for the disk.
        let found = try await NIOThreadPool.singleton.runIfActive { () throws -> (ThumbnailSource, FileVersion)? in
            guard let source = try lookup(name, at) else { return nil }
            guard let version = FileVersion.of(path: source.segmentPath) else {
                throw HTTPError(.notFound, message: "the segment of '\(name)' at that time is gone")
            }
            return (source, version)
        }
        guard let (source, version) = found else { throw HTTPError(.notFound, message: "no recording for stream '\(name)'") }
        let key = ThumbnailCache.Key(source: source.cacheKey, version: version, width: width)
        if Self.matches(request.headers[values: .ifNoneMatch], etag: key.etag) {
            return Response(status: .notModified, headers: Self.headers(etag: key.etag, settled: source.isSettled))
        }
        let jpeg: [UInt8]
        let madeKey: ThumbnailCache.Key
        if let cached = workers.cache.answer(for: key) {
            (jpeg, madeKey) = (try cached.jpeg(), key)
        } else {
            (jpeg, madeKey) = try await workers.jpeg(source: source, key: key)
        }
        var headers = Self.headers(etag: madeKey.etag, settled: source.isSettled)
        headers[.contentType] = "image/jpeg"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    /// `width=N`, a whole number of pixels in `ThumbnailSize.widths`; the default without one.
    static func width(in query: Hummingbird.Parameters) throws -> Int {
        guard let text = query.get("width") else { return KeyframeThumbnailer.defaultWidth }
        guard let width = Int(text), ThumbnailSize.widths.contains(width) else {
            throw HTTPError(
                .badRequest,
                message: "width: '\(text)' is not a whole number of pixels from "
                    + "\(ThumbnailSize.widths.lowerBound) to \(ThumbnailSize.widths.upperBound)")
        }
        return width
    }

    static func headers(etag: String, settled: Bool) -> HTTPFields {
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[.cacheControl] = settled ? settledCacheControl : "no-cache"
        return headers
    }

    /// RFC 9110 §13.1.2: any listed tag (weak ones compared weakly) or `*`.
    static func matches(_ values: [String], etag: String) -> Bool {
        for value in values {
            for candidate in value.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == "*" || tag == etag { return true }
            }
        }
        return false
    }
}
