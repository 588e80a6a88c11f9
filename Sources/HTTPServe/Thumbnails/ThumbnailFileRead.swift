import Hummingbird

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole segment or init file for a thumbnail, refusing it above a size limit before
/// reading a byte. The file is opened with `O_NOFOLLOW` (a symbolic link planted in place of
/// a segment is not followed), and its version comes from `fstat` of the open descriptor, so
/// the bytes and the version that keys the cache belong to the same file.
enum ThumbnailFileRead {
    /// The bytes and version of `path`; 404 naming `what` when it is missing, not a regular
    /// file, above `limit` or shorter than its size said.
    static func bytes(at path: String, limit: Int, what: String) throws -> ([UInt8], FileVersion) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw HTTPError(.notFound, message: "the \(what) \(name) cannot be read") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw HTTPError(.notFound, message: "the \(what) \(name) is not a file")
        }
        let version = FileVersion(info)
        guard version.size <= limit else {
            throw HTTPError(
                .notFound, message: "the \(what) \(name) is \(version.size) bytes; thumbnails are made of \(what)s up to \(limit)")
        }
        var bytes = [UInt8](repeating: 0, count: version.size)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw HTTPError(.notFound, message: "the \(what) \(name) was cut short while being read") }
            offset += count
        }
        return (bytes, version)
    }
}
