import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a stream's archive index lives and how its bytes are read, checked and replaced.
///
/// `<root>/.hlsseg/index/<stream>.idx` (records: `ArchiveIndexRecord`). The folder is hidden:
/// no stream name starts with a dot. Every change to one file (an append, cutting a torn tail,
/// a replacement by a rebuild, a retirement marker) happens under that file's lock
/// (`lock(root:stream:)`), shared by the writer and the catalog of one process.
public enum ArchiveIndexFile {
    /// The folder under the root that holds the index files.
    public static let folder = ".hlsseg/index"
    public static let fileExtension = ".idx"

    /// The index file of `stream` under `root`.
    public static func path(root: String, stream: String) -> String {
        root + "/" + folder + "/" + stream + fileExtension
    }

    /// Whether `name` can be a stream whose index lives here: one plain, visible folder name.
    static func isStreamName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.utf8.contains(UInt8(ascii: "/"))
    }

    /// The index folder, created if missing (never through a symbolic link below the root).
    static func directory(root: String) throws(PackagerError) -> OutputDirectory {
        try OutputDirectory(path: root).subdirectory(".hlsseg").subdirectory("index")
    }

    // MARK: Locks

    /// One process-wide lock per index file, keyed by the file's path with the root resolved.
    final class Lock: Sendable {
        let mutex = Mutex(())
    }

    private static let locks = Mutex<[String: Lock]>([:])

    static func lock(root: String, stream: String) -> Lock {
        let key = (realPath(root) ?? root) + "/" + stream
        return locks.withLock { locks in
            if let lock = locks[key] { return lock }
            let lock = Lock()
            locks[key] = lock
            return lock
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // MARK: Reading

    /// The file's identity and length, nil when there is none (or it is not a regular file).
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int
    }

    static func identity(path: String) -> Identity? {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int(status.st_size))
    }

    /// Longest index file read: far beyond a year of 1-s segments; anything bigger is not ours.
    static let maxFileSize = 4 << 30

    /// The bytes of the file from `offset` to its end (at most `maxFileSize`), nil when it does
    /// not exist; a symbolic link is refused.
    static func read(path: String, from offset: Int = 0) throws(PackagerError) -> (bytes: [UInt8], identity: Identity)? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw OutputDirectory.symbolicLinkError(path) }
            throw PackagerError(.writeFailed, "cannot open '\(path)': \(OutputDirectory.errnoText())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw PackagerError(.writeFailed, "cannot stat '\(path)': \(OutputDirectory.errnoText())")
        }
        let size = Int(status.st_size)
        guard size <= maxFileSize else {
            throw PackagerError(.invalidConfiguration, "'\(path)' is larger than \(maxFileSize) bytes: not an archive index")
        }
        let identity = Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: size)
        guard size > offset else { return ([], identity) }
        var bytes = [UInt8](repeating: 0, count: size - offset)
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw PackagerError(.writeFailed, "cannot read '\(path)': \(OutputDirectory.errnoText())") }
            if count == 0 { break }
            done += count
        }
        bytes.removeLast(bytes.count - done)
        return (bytes, identity)
    }

    /// What a whole file holds.
    struct Scan {
        var end: ArchiveIndexScanEnd
        /// Bytes of the file up to the end of its last whole record.
        var validLength: Int
        var decoder: ArchiveRecordDecoder
    }

    /// Reads a whole file's `bytes`, handing each record to `body`.
    static func scan(_ bytes: [UInt8], _ body: (ArchiveRecordDecoder.Decoded) throws(PackagerError) -> Void) throws(PackagerError)
        -> Scan
    {
        let header = ArchiveIndexRecord.header
        if bytes.count < header.count {
            // A file cut inside its header (or empty) holds nothing yet: a torn tail at 0,
            // unless what is there is not the start of a header.
            if bytes.elementsEqual(header.prefix(bytes.count)) {
                return Scan(end: .tornTail(at: 0), validLength: 0, decoder: ArchiveRecordDecoder())
            }
            return Scan(end: .corrupt(at: 0, reason: "not an archive index file"), validLength: 0, decoder: ArchiveRecordDecoder())
        }
        guard bytes.prefix(header.count).elementsEqual(header) else {
            return Scan(
                end: .corrupt(at: 0, reason: "not an archive index file of this version"), validLength: 0, decoder: ArchiveRecordDecoder())
        }
        var decoder = ArchiveRecordDecoder()
        let outcome = bytes.withUnsafeBytes { buffer in
            Result { () throws(PackagerError) in try decoder.decode(buffer, from: header.count, body) }
        }
        let result = try outcome.get()
        return Scan(end: result.end, validLength: result.consumed, decoder: decoder)
    }

    /// Every record of `bytes` (a whole file) and where reading stopped: for tests and tools.
    public static func records(in bytes: [UInt8]) -> (records: [ArchiveIndexRecord], end: ArchiveIndexScanEnd) {
        var records: [ArchiveIndexRecord] = []
        let scan = try? scan(bytes) { decoded in
            switch decoded {
            case .segment(let segment): records.append(.segment(segment.segment))
            case .retired(let through): records.append(.retired(through: through))
            }
        }
        return (records, scan?.end ?? .complete)
    }

    /// The bytes of a whole file holding `records`.
    public static func bytes(of records: [ArchiveIndexRecord]) throws(PackagerError) -> [UInt8] {
        var encoder = ArchiveRecordEncoder()
        var bytes = ArchiveIndexRecord.header
        for record in records { bytes += try encoder.encode(record) }
        return bytes
    }

    // MARK: Writing

    /// Cuts the file to `length` bytes (a torn tail). Call with the file's lock held.
    static func truncate(path: String, to length: Int) throws(PackagerError) {
        let descriptor = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PackagerError(.writeFailed, "cannot open '\(path)': \(OutputDirectory.errnoText())")
        }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else {
            throw PackagerError(.writeFailed, "cannot cut '\(path)' to \(length) bytes: \(OutputDirectory.errnoText())")
        }
    }

    /// Appends `bytes` to the open file `descriptor` in one go; on failure the file is cut back
    /// to where it was, so no partial record stays in front of later appends.
    static func append(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(PackagerError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw PackagerError(.writeFailed, "cannot stat '\(path)': \(OutputDirectory.errnoText())")
        }
        do throws(PackagerError) {
            try OutputDirectory.writeAll([bytes], to: descriptor, path: path)
        } catch {
            ftruncate(descriptor, status.st_size)
            throw error
        }
    }
}
