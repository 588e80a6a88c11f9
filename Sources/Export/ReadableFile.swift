#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for reading by position (`pread`): segment files are read in a few small
/// pieces (box headers, `moof`s) and their media bytes copied by range, never read whole.
final class ReadableFile {
    let path: String
    private let descriptor: Int32
    /// Size and modification time when opened: the cache key of what was read from it.
    let identity: FileIdentity

    /// nil when the file does not exist or cannot be opened.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        self.path = path
        self.descriptor = descriptor
        identity = FileIdentity(info)
    }

    deinit { close(descriptor) }

    var size: UInt64 { identity.size }

    /// Exactly `count` bytes at `offset`; nil when the file ends first or a read fails.
    func read(count: Int, at offset: UInt64) -> [UInt8]? {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let complete = bytes.withUnsafeMutableBytes { read(into: $0, at: offset) }
        return complete ? bytes : nil
    }

    /// Fills `buffer` from `offset`; false when the file ends first or a read fails.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) -> Bool {
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return false }
            done += got
        }
        return true
    }

    /// The size and modification time of `path` without opening it; nil when it is not a
    /// regular file.
    static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(info)
    }
}

/// What tells a file's contents apart without reading them: its size and modification time
/// (nanoseconds). Segments are immutable once listed, so an unchanged identity means the same bytes.
struct FileIdentity: Hashable, Sendable {
    var size: UInt64
    var modified: Int64

    init(size: UInt64, modified: Int64) {
        self.size = size
        self.modified = modified
    }

    init(_ info: stat) {
        size = UInt64(max(0, info.st_size))
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
