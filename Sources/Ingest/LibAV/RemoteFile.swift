import CLibAV

/// Reads a whole file from a URL through libavformat's I/O layer (http, https and the other
/// protocols the inputs already use), so fetching needs no HTTP client of its own: `hlsseg
/// export` downloads a remote playlist and its segments with it.
public enum RemoteFile {
    /// Bytes read per call.
    static let chunkSize = 1 << 16

    /// The bytes at `url`, at most `limit` of them. `.openFailed` when it cannot be opened (an
    /// HTTP error status included), `.readFailed` when reading fails, `.limitExceeded` past
    /// `limit`.
    public static func bytes(at url: String, limit: Int) throws(IngestError) -> [UInt8] {
        var context: UnsafeMutablePointer<AVIOContext>?
        let opened = avio_open2(&context, url, AVIO_FLAG_READ, nil, nil)
        guard opened >= 0, let io = context else {
            throw IngestError(.openFailed, "cannot fetch \(url): \(libavErrorString(opened))")
        }
        defer { avio_closep(&context) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { avio_read(io, $0.baseAddress, Int32($0.count)) }
            if count == hlsseg_averror_eof() || count == 0 { break }
            guard count > 0 else { throw IngestError(.readFailed, "reading \(url) failed: \(libavErrorString(count))") }
            bytes += chunk[..<Int(count)]
            guard bytes.count <= limit else { throw IngestError(.limitExceeded, "\(url) is larger than \(limit) bytes") }
        }
        return bytes
    }
}
