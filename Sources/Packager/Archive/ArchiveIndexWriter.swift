import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends segments to `<root>/.hlsseg/index/<stream>.idx`, for the packager of that stream.
///
/// Opening checks the file: a torn tail (a crash while appending) is cut off; a missing or
/// corrupt file is rebuilt from the stream's playlists first, so appends always continue a
/// whole index. Appends are not fsynced: whatever a crash loses is listed in the playlists,
/// from which `ArchiveCatalog.loadAll` adds it back. If the file is replaced meanwhile (a
/// rebuild by the catalog or by `hlsseg index rebuild`), the next append notices the new file
/// and opens it. Every change to the file is made under its lock
/// (`ArchiveIndexFile.lock(root:stream:)`).
public final class ArchiveIndexWriter: Sendable {
    public let root: String
    public let stream: String
    /// The index file's path.
    public let path: String
    private let lock: ArchiveIndexFile.Lock
    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var identity: ArchiveIndexFile.Identity
        var encoder = ArchiveRecordEncoder()
        var lastSequenceNumber: Int?
        /// The file's length after this writer's last append: another length means records
        /// were appended by someone else (the catalog), so the next record names all its strings.
        var expectedSize: Int
    }

    /// Opens (creates) the index of `stream` under `root` (an absolute or relative path).
    public init(root: String, stream: String) throws(PackagerError) {
        guard ArchiveIndexFile.isStreamName(stream) else {
            throw PackagerError(.invalidConfiguration, "'\(stream)' cannot have an archive index: not a plain visible folder name")
        }
        self.root = root
        self.stream = stream
        self.path = ArchiveIndexFile.path(root: root, stream: stream)
        let lock = ArchiveIndexFile.lock(root: root, stream: stream)
        self.lock = lock
        let opened = try lock.mutex.withLock { _ throws(PackagerError) in try Self.openChecked(root: root, stream: stream) }
        state = Mutex(opened)
    }

    deinit {
        _ = state.withLock { close($0.descriptor) }
    }

    /// The newest sequence number in the file (nil: none).
    public var lastSequenceNumber: Int? { state.withLock { $0.lastSequenceNumber } }

    /// Appends one segment (after its file and every playlist listing it are in place).
    public func append(_ segment: ArchiveSegment) throws(PackagerError) {
        try lock.mutex.withLock { _ throws(PackagerError) in
            try state.withLock { state throws(PackagerError) in
                let current = ArchiveIndexFile.identity(path: path)
                if current.map({ ($0.device, $0.inode) }) ?? (0, 0) != (state.identity.device, state.identity.inode) {
                    close(state.descriptor)
                    state = try Self.openChecked(root: root, stream: stream)
                }
                var status = stat()
                if fstat(state.descriptor, &status) != 0 || Int(status.st_size) != state.expectedSize {
                    state.encoder = ArchiveRecordEncoder()
                }
                let bytes = try state.encoder.encode(.segment(segment))
                do throws(PackagerError) {
                    try ArchiveIndexFile.append(bytes, to: state.descriptor, path: path)
                } catch {
                    // The context must match the file: start the next record from scratch.
                    state.encoder = ArchiveRecordEncoder()
                    throw error
                }
                state.expectedSize = Int(status.st_size) + bytes.count
                state.lastSequenceNumber = max(state.lastSequenceNumber ?? segment.sequenceNumber, segment.sequenceNumber)
            }
        }
    }

    /// The file checked (its torn tail cut, rebuilt when missing or corrupt) and opened for
    /// appending. Called with the lock held.
    private static func openChecked(root: String, stream: String) throws(PackagerError) -> State {
        let path = ArchiveIndexFile.path(root: root, stream: stream)
        _ = try ArchiveIndexFile.directory(root: root)
        var lastSequenceNumber: Int?
        var retired: Int?
        let existing = try ArchiveIndexFile.read(path: path)
        var needsRebuild = existing == nil
        if let existing {
            let scan = try ArchiveIndexFile.scan(existing.bytes) { decoded in
                switch decoded {
                case .segment(let segment): lastSequenceNumber = max(lastSequenceNumber ?? segment.sequenceNumber, segment.sequenceNumber)
                case .retired(let through): retired = max(retired ?? through, through)
                }
            }
            switch scan.end {
            case .complete: break
            case .tornTail:
                if scan.validLength == 0 {
                    needsRebuild = true
                } else {
                    try ArchiveIndexFile.truncate(path: path, to: scan.validLength)
                }
            case .corrupt: needsRebuild = true
            }
        }
        if needsRebuild {
            let rebuilt = try ArchiveIndexRebuild.run(root: root, stream: stream, retiredThrough: retired)
            lastSequenceNumber = rebuilt.builder.lastSequenceNumber ?? lastSequenceNumber
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw OutputDirectory.symbolicLinkError(path) }
            throw PackagerError(.outputNotWritable, "cannot open '\(path)': \(OutputDirectory.errnoText())")
        }
        var status = stat()
        fstat(descriptor, &status)
        let identity = ArchiveIndexFile.Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int(status.st_size))
        return State(descriptor: descriptor, identity: identity, lastSequenceNumber: lastSequenceNumber, expectedSize: identity.size)
    }
}

extension ArchiveIndexWriter: ArchiveIndexAppending {}
