import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What identifies one version of a file: a rename (the packager's atomic replace) changes the
/// inode, a rewrite changes size or the nanosecond mtime. Two playlist updates within one
/// second therefore still get two ETags.
struct FileVersion: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var mtimeNanoseconds: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        mtimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    var mtimeSeconds: Int { Int(mtimeNanoseconds / 1_000_000_000) }

    /// Strong ETag: `"<inode>-<size>-<mtime ns>"` in hex.
    var etag: String {
        "\"\(String(inode, radix: 16))-\(String(size, radix: 16))-\(String(mtimeNanoseconds, radix: 16))\""
    }

    static func of(path: String) -> FileVersion? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileVersion(info)
    }
}

/// One file version held in memory, with what the responder derives from it.
final class CachedFile: Sendable {
    let version: FileVersion
    let bytes: ByteBuffer
    let etag: String
    let lastModified: String
    /// The playlist has `#EXT-X-ENDLIST`: the stream has ended.
    let hasEndList: Bool
    private let gzipped: NIOLockedValueBox<ByteBuffer?>
    /// Complete responses to plain requests for this version, kept by the event-loop fast
    /// path for the second they were made in (`StreamFileFastPath.respond`): the many
    /// clients of one live playlist version all get the same response.
    let madeResponses = NIOLockedValueBox([Int: MadeResponse]())

    init(version: FileVersion, bytes: [UInt8], scanForEndList: Bool) {
        self.version = version
        self.bytes = ByteBuffer(bytes: bytes)
        self.etag = version.etag
        self.lastModified = HTTPDate.format(secondsSince1970: version.mtimeSeconds)
        self.hasEndList = scanForEndList && Self.containsEndList(bytes)
        self.gzipped = NIOLockedValueBox(nil)
    }

    enum Gzipped {
        case made(ByteBuffer)
        /// Not compressed yet and the caller asked not to compress now.
        case notMade
        /// Above `Gzip.maxInputSize`: sent as it is.
        case tooBig
        /// zlib could not set up its state (out of memory): sent as it is this time, tried
        /// again on the next request.
        case failed
    }

    /// The gzip encoding, made on first use (unless `makeIfMissing` is false) and kept with
    /// this version.
    func gzip(makeIfMissing: Bool = true) -> Gzipped {
        guard bytes.readableBytes <= Gzip.maxInputSize else { return .tooBig }
        if let done = gzipped.withLockedValue({ $0 }) { return .made(done) }
        guard makeIfMissing else { return .notMade }
        guard let compressed = try? Gzip.compress(bytes) else { return .failed }
        gzipped.withLockedValue { $0 = compressed }
        return .made(compressed)
    }

    private static func containsEndList(_ bytes: [UInt8]) -> Bool {
        let tag = Array("#EXT-X-ENDLIST".utf8)
        guard bytes.count >= tag.count else { return false }
        var index = 0
        while index + tag.count <= bytes.count {
            if bytes[index] == tag[0], index == 0 || bytes[index - 1] == UInt8(ascii: "\n"),
                Array(bytes[index..<index + tag.count]) == tag
            {
                return true
            }
            index += 1
        }
        return false
    }
}

/// Files by path, each checked against the file on disk (one `stat`) before it is reused.
///
/// Segments never change once written, and a playlist is replaced by rename, so a hit is the
/// common case and a request costs one `stat` and no read. Misses read on NIO's thread pool,
/// never on an event loop.
final class FileCache: Sendable {
    enum Lookup {
        case memory(CachedFile)
        /// Too big to cache: stream it from disk.
        case disk(FileVersion)
    }

    private struct Entry {
        var file: CachedFile
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var totalBytes = 0
        var clock: UInt64 = 0
    }

    let maxFileSize: Int
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(maxFileSize: Int, capacity: Int) {
        self.maxFileSize = maxFileSize
        self.capacity = capacity
    }

    /// `known`: the file's identity when the caller just took it (saves a `stat`).
    func lookup(path: String, isPlaylist: Bool, known: FileVersion? = nil) async throws -> Lookup? {
        guard let version = known ?? FileVersion.of(path: path) else {
            forget(path)
            return nil
        }
        if let found = lookupInMemory(path: path, version: version) { return found }
        let maxFileSize = self.maxFileSize
        guard
            let file = try await NIOThreadPool.singleton.runIfActive({
                Self.read(path: path, maxFileSize: maxFileSize, isPlaylist: isPlaylist)
            })
        else { return nil }
        guard let file else { return .disk(version) }
        insert(file, at: path)
        return .memory(file)
    }

    /// Without I/O or waiting (for an event loop): the cached bytes of this version, `.disk`
    /// when it is too big to cache, nil when it has to be read first.
    func lookupInMemory(path: String, version: FileVersion) -> Lookup? {
        if version.size > maxFileSize { return .disk(version) }
        let hit = state.withLockedValue { state -> CachedFile? in
            guard let file = state.entries[path]?.file, file.version == version else { return nil }
            state.clock += 1
            state.entries[path]?.lastUsed = state.clock
            return file
        }
        return hit.map { .memory($0) }
    }

    private func forget(_ path: String) {
        state.withLockedValue { state in
            if let old = state.entries.removeValue(forKey: path) { state.totalBytes -= old.file.version.size }
        }
    }

    private func insert(_ file: CachedFile, at path: String) {
        state.withLockedValue { state in
            if let old = state.entries[path] { state.totalBytes -= old.file.version.size }
            state.clock += 1
            state.entries[path] = Entry(file: file, lastUsed: state.clock)
            state.totalBytes += file.version.size
            guard state.totalBytes > capacity else { return }
            // Over capacity: drop the least recently used down to three quarters.
            for (key, entry) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                guard state.totalBytes > capacity / 4 * 3 else { break }
                state.entries.removeValue(forKey: key)
                state.totalBytes -= entry.file.version.size
            }
        }
    }

    /// Reads one consistent version: the identity comes from `fstat` of the open descriptor,
    /// so a rename between `stat` and `open` cannot pair old metadata with new bytes; and it is
    /// taken again after reading, because the packager overwrites a playlist's previous version
    /// in place one segment later (`OutputDirectory.rewrite`): a read that overlapped that
    /// starts over. Returns `.some(nil)` when the file grew past the cache limit.
    /// `afterOpen` runs between `open` and reading, on the first attempt (tests make the race
    /// happen there).
    static func read(
        path: String, maxFileSize: Int, isPlaylist: Bool, afterOpen: (() -> Void)? = nil
    ) -> CachedFile?? {
        for attempt in 0..<3 {
            switch readOnce(path: path, maxFileSize: maxFileSize, afterOpen: attempt == 0 ? afterOpen : nil) {
            case .read(let version, let bytes):
                return .some(CachedFile(version: version, bytes: bytes, scanForEndList: isPlaylist))
            case .tooBig: return .some(nil)
            case .missing: return nil
            case .changedWhileReading: continue
            }
        }
        return nil
    }

    private enum ReadResult {
        case read(FileVersion, [UInt8])
        case tooBig, missing, changedWhileReading
    }

    private static func readOnce(path: String, maxFileSize: Int, afterOpen: (() -> Void)?) -> ReadResult {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .missing }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .missing }
        let version = FileVersion(info)
        guard version.size <= maxFileSize else { return .tooBig }
        afterOpen?()
        var bytes = [UInt8](repeating: 0, count: version.size)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return .missing }
            guard count > 0 else { return .changedWhileReading }  // truncated under us
            offset += count
        }
        guard fstat(fd, &info) == 0, FileVersion(info) == version else { return .changedWhileReading }
        return .read(version, bytes)
    }
}
