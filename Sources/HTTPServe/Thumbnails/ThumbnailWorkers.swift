import Hummingbird
import Ingest
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Where thumbnails are decoded: threads of their own, one per core, so at most that many
/// decodes run at once, and never on an event loop or on NIO's shared blocking pool (the
/// segment and export reads of other routes never queue behind a decode).
///
/// A job reads the init segment and the segment (bounded by `KeyframeThumbnailer`'s limits),
/// looks in the cache once more (a request that waited may find the picture another one
/// made), then decodes, scales and encodes, and caches the picture or the failure. Every failure is an `HTTPError`: 404 with the
/// reason when the files are gone or do not decode (the server carries on), 503 when too many
/// requests already wait.
final class ThumbnailWorkers: Sendable {
    /// One thread per core, started on first use and kept for the life of the process (idle
    /// threads cost nothing; nothing runs while nobody asks).
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()
    /// Requests that may be decoding or waiting to at once. A page of fifty thumbnails fits;
    /// past it a request is refused at once instead of queueing minutes of decoding.
    static let maximumPending = 64

    private let pending = NIOLockedValueBox(0)
    let cache: ThumbnailCache
    let metrics: ServeMetrics
    let logger: Logger

    init(cache: ThumbnailCache, metrics: ServeMetrics, logger: Logger) {
        self.cache = cache
        self.metrics = metrics
        self.logger = logger
    }

    /// The JPEG for `key`, made from `source` and cached, and the key it is cached under (its
    /// file version is the one read, should the segment have been replaced since `key` was made).
    func jpeg(source: ThumbnailSource, key: ThumbnailCache.Key) async throws -> (jpeg: [UInt8], key: ThumbnailCache.Key) {
        let admitted = pending.withLockedValue { count in
            guard count < Self.maximumPending else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw HTTPError(.serviceUnavailable, message: "\(Self.maximumPending) thumbnails are being made; try again shortly")
        }
        defer { pending.withLockedValue { $0 -= 1 } }
        let (cache, metrics, logger) = (self.cache, self.metrics, self.logger)
        return try await Self.threads.runIfActive {
            if let made = cache.answer(for: key) { return (try made.jpeg(), key) }
            let (segment, version) = try ThumbnailFileRead.bytes(
                at: source.segmentPath, limit: KeyframeThumbnailer.maximumSegmentSize, what: "segment")
            let (initSegment, _) = try ThumbnailFileRead.bytes(
                at: source.initPath, limit: KeyframeThumbnailer.maximumInitSize, what: "init segment")
            let readKey = ThumbnailCache.Key(source: key.source, version: version, width: key.width)
            metrics.thumbnailsDecoded.increment()
            let start = ContinuousClock.now
            let jpeg: [UInt8]
            do throws(IngestError) {
                jpeg = try KeyframeThumbnailer.jpeg(initSegment: initSegment, mediaSegment: segment, width: key.width)
            } catch {
                logger.info("no thumbnail of \(source.segmentPath): \(error.reason) [\(error.code)]")
                let name = source.segmentPath.split(separator: "/").last.map(String.init) ?? source.segmentPath
                let failure = ThumbnailCache.Answer.failed("no thumbnail of \(name): \(error.reason)")
                cache.insert(failure, for: readKey)
                return (try failure.jpeg(), readKey)
            }
            logger.debug(
                "thumbnail decoded",
                metadata: [
                    "segment": "\(source.segmentPath)", "width": "\(key.width)", "bytes": "\(jpeg.count)",
                    "duration": "\(ContinuousClock.now - start)",
                ])
            cache.insert(.jpeg(jpeg), for: readKey)
            return (jpeg, readKey)
        }
    }
}

extension ThumbnailCache.Answer {
    /// The picture, or the 404 its failure answers.
    func jpeg() throws -> [UInt8] {
        switch self {
        case .jpeg(let bytes): return bytes
        case .failed(let reason): throw HTTPError(.notFound, message: reason)
        }
    }
}
