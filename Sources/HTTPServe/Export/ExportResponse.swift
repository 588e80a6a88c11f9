import Export
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// The response for one planned export file: its headers (length known before the first
/// byte, `Accept-Ranges: bytes`, a strong ETag), one byte range or the whole file, and a body
/// that copies the header bytes and then the samples' ranges of the segment files, a chunk at
/// a time, so memory does not grow with the clip.
struct ExportResponse {
    let file: ExportFile
    let request: Request
    let name: String
    /// The start as the URL gives it, for the download's file name; nil: no
    /// `Content-Disposition` (played in place).
    let downloadStart: String?
    let logger: Logger

    /// Bytes read from a segment file per write to the connection.
    static let chunkSize: UInt64 = 256 << 10

    func response() throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "video/mp4"
        headers[.acceptRanges] = "bytes"
        headers[.cacheControl] = "no-cache"
        headers[.eTag] = etag
        if let downloadStart {
            let start = String(downloadStart.map { $0 == ":" ? "-" : $0 })
            headers[.contentDisposition] = "attachment; filename=\"\(name)-\(start).mp4\""
        }
        let size = Int(file.size)
        var range = ByteRangeRequest(header: request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], ifRange.trimmingCharacters(in: .whitespaces) != etag { range = .whole }
        let bytes: Range<UInt64>
        let status: HTTPResponse.Status
        switch range {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .whole:
            bytes = 0..<file.size
            status = .ok
        case .partial(let closed):
            bytes = UInt64(closed.lowerBound)..<UInt64(closed.upperBound + 1)
            headers[.contentRange] = "bytes \(closed.lowerBound)-\(closed.upperBound)/\(size)"
            status = .partialContent
        }
        headers[.contentLength] = String(bytes.count)
        if request.method == .head { return Response(status: status, headers: headers) }
        let pieces = file.pieces(in: bytes)
        let logger = logger
        let name = name
        return Response(
            status: status, headers: headers,
            body: ResponseBody { writer in
                do {
                    try await Self.write(pieces, to: &writer)
                } catch {
                    // The length was promised: the connection is closed short of it.
                    logger.warning("export \(name): response cut short: \(error)")
                    throw error
                }
                try await writer.finish(nil)
            })
    }

    /// The file is the same bytes while its segments are: size, start and length name it.
    var etag: String {
        "\"x-\(String(file.size, radix: 16))-\(String(Int64((file.start * 1000).rounded()), radix: 16))-\(String(Int64((file.duration * 1000).rounded()), radix: 16))\""
    }

    static func write(_ pieces: [ExportPiece], to writer: inout any ResponseBodyWriter) async throws {
        var open: (path: String, descriptor: CInt)?
        defer { if let open { close(open.descriptor) } }
        for piece in pieces {
            switch piece {
            case .bytes(let bytes):
                try await writer.write(ByteBuffer(bytes: bytes))
            case .file(let path, let offset, let length):
                if open?.path != path {
                    if let previous = open { close(previous.descriptor) }
                    open = nil
                    let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                    guard descriptor >= 0 else { throw ExportBodyError.unreadable(path, errno) }
                    open = (path, descriptor)
                }
                var done: UInt64 = 0
                while done < length {
                    let count = Int(min(chunkSize, length - done))
                    let buffer = try await readChunk(open!.descriptor, offset: offset + done, count: count, path: path)
                    try await writer.write(buffer)
                    done += UInt64(count)
                }
            }
        }
    }

    /// `count` bytes at `offset`, read on NIO's thread pool (a read may wait for the disk).
    private static func readChunk(_ descriptor: CInt, offset: UInt64, count: Int, path: String) async throws -> ByteBuffer {
        try await NIOThreadPool.singleton.runIfActive {
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
                var total = 0
                while total < count {
                    let result = pread(descriptor, pointer.baseAddress! + total, count - total, off_t(offset) + off_t(total))
                    if result > 0 {
                        total += result
                    } else if result < 0, errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                return total
            }
            guard read == count else { throw ExportBodyError.shortRead(path) }
            return buffer
        }
    }
}

enum ExportBodyError: Error, CustomStringConvertible {
    case unreadable(String, CInt)
    case shortRead(String)

    var description: String {
        switch self {
        case .unreadable(let path, let code): "\(path) cannot be opened: \(String(cString: strerror(code)))"
        case .shortRead(let path): "\(path) is shorter than when the export was planned"
        }
    }
}
