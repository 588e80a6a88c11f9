import CFileSystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files that are complete before anyone can see them: written to a hidden temporary name in the
/// same directory, fsynced (with `FileSync.perFile`), then renamed over the final name (rename
/// is atomic within a file system). A crash at any instant leaves either the old file or the
/// new one, never a part. Files rewritten after every segment (playlists) use `rewrite`, which
/// swaps instead; live segments are written into a file made ahead of time, which gets its name
/// when complete (`PreparedFile`).
public struct OutputDirectory: Sendable {
    public let path: String
    public let fileSync: FileSync

    /// Creates the directory (and its parents) if needed and checks that files can be made in it.
    public init(path: String, fileSync: FileSync = .perFile) throws(PackagerError) {
        self.path = path
        self.fileSync = fileSync
        try Self.createDirectories(path)
        guard access(path, W_OK | X_OK) == 0 else {
            throw PackagerError(.outputNotWritable, "output directory '\(path)' is not writable: \(Self.errnoText())")
        }
    }

    public func filePath(_ name: String) -> String { path + "/" + name }

    public func fileExists(_ name: String) -> Bool { access(filePath(name), F_OK) == 0 }

    /// Writes `parts` one after another as the file `name`, atomically (and durably with
    /// `FileSync.perFile`).
    public func write(_ parts: [[UInt8]], to name: String) throws(PackagerError) {
        let temporary = temporaryPath(of: name)
        try writeCompletely(parts, at: temporary, overwritingInPlace: false)
        try moveIntoPlace(temporary, as: name)
    }

    /// Writes `parts` as the file `name`, atomically (and durably) like `write`, for a file that
    /// is rewritten again and again (a live playlist, after every segment).
    ///
    /// Why not `write`: renaming over the old version frees its inode, and ext4 without a
    /// journal keeps a freed inode "recently deleted" for a minute or more; every later file
    /// creation in that block group scans past each one. At 500 live streams that scan was the
    /// largest single cost of the server (docs/benchmarks.md). So the file keeps two inodes:
    /// the new version is written into the spare `.<name>.tmp`, fsynced, and the two names are
    /// swapped atomically (`renameat2(RENAME_EXCHANGE)`); the spare then holds the previous
    /// version and is overwritten by the next rewrite. Where the file system cannot swap (or
    /// `name` does not exist yet) this falls back to `write`'s rename.
    ///
    /// The spare is overwritten in place and then cut to length, never truncated to zero
    /// first: that would free its blocks, and on ext4 without a journal mounted with `discard`
    /// (this project's benchmark machine) freeing a block waits for the disk to discard it,
    /// while closing a file that was truncated to zero starts its writeback (`auto_da_alloc`).
    /// Both stalled playlist updates for seconds when the disk was slow (docs/benchmarks.md).
    ///
    /// With `FileSync.perFile` the directory is synced before returning, so the swap is on disk
    /// before the spare is overwritten: a crash at any instant leaves `name` holding a
    /// complete version.
    /// Readers: a reader still reading the previous version when the next rewrite starts sees
    /// it change under it. That is one segment duration later; `FileCache` checks the file's
    /// identity again after reading and retries. Call `removeSpare(of:)` when done.
    public func rewrite(_ parts: [[UInt8]], to name: String) throws(PackagerError) {
        let spare = temporaryPath(of: name)
        try writeCompletely(parts, at: spare, overwritingInPlace: true)
        if hlsseg_rename_exchange(spare, filePath(name)) != 0 {
            try moveIntoPlace(spare, as: name)
        }
        try syncDirectory()
    }

    public func rewrite(_ text: String, to name: String) throws(PackagerError) {
        try rewrite([Array(text.utf8)], to: name)
    }

    /// Removes the spare a `rewrite` of `name` keeps (it holds the previous version).
    public func removeSpare(of name: String) throws(PackagerError) {
        try remove(Self.temporaryName(of: name))
    }

    /// The hidden name `write` writes `name` under before the rename, and `rewrite` keeps as
    /// the spare: `.index.m3u8.tmp`.
    public static func temporaryName(of name: String) -> String { ".\(name).tmp" }

    /// The file a temporary name (`temporaryName(of:)`) stands for; nil for any other name.
    public static func name(ofTemporary temporary: String) -> String? {
        guard temporary.hasPrefix("."), temporary.hasSuffix(".tmp") else { return nil }
        return String(temporary.dropFirst().dropLast(4))
    }

    private func temporaryPath(of name: String) -> String { filePath(Self.temporaryName(of: name)) }

    private func moveIntoPlace(_ temporary: String, as name: String) throws(PackagerError) {
        guard rename(temporary, filePath(name)) == 0 else {
            let text = Self.errnoText()
            unlink(temporary)
            throw PackagerError(.writeFailed, "cannot rename '\(temporary)' to '\(name)': \(text)")
        }
    }

    /// Makes `path` hold exactly `parts`, fsynced with `FileSync.perFile`; on failure nothing
    /// is left there. `overwritingInPlace`: an existing file is written over from its start and
    /// then cut to the new length (see `rewrite`); otherwise it is truncated to zero first.
    private func writeCompletely(
        _ parts: [[UInt8]], at path: String, overwritingInPlace: Bool
    ) throws(PackagerError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwritingInPlace ? 0 : O_TRUNC)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw PackagerError(.writeFailed, "cannot create '\(path)': \(Self.errnoText())")
        }
        do throws(PackagerError) {
            try Self.writeAll(parts, to: descriptor, path: path)
            if overwritingInPlace { try Self.cutToLength(descriptor, parts.reduce(0) { $0 + $1.count }, path: path) }
            try syncIfPerFile(descriptor, path: path)
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        close(descriptor)
    }

    /// `fsync`s a file just written, with `FileSync.perFile`; `.periodic` leaves it to
    /// `syncFileSystem(containing:)`.
    func syncIfPerFile(_ descriptor: Int32, path: String) throws(PackagerError) {
        guard fileSync == .periodic || fsync(descriptor) == 0 else {
            throw PackagerError(.writeFailed, "cannot sync '\(path)': \(Self.errnoText())")
        }
    }

    /// Drops what an in-place overwrite left of a longer old version. Only when there is
    /// something to drop: most rewrites make the file longer (a growing playlist).
    private static func cutToLength(_ descriptor: Int32, _ length: Int, path: String) throws(PackagerError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw PackagerError(.writeFailed, "cannot stat '\(path)': \(errnoText())")
        }
        guard status.st_size > length else { return }
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw PackagerError(.writeFailed, "cannot truncate '\(path)': \(errnoText())")
        }
    }

    /// Makes the renames so far durable: the directory entry itself must reach the disk.
    /// With `FileSync.periodic` that is left to `syncFileSystem(containing:)`.
    func syncDirectory() throws(PackagerError) {
        guard fileSync == .perFile else { return }
        try Self.sync(directory: path, with: fsync, failure: "cannot sync directory '\(path)'")
    }

    /// Opens the directory `path` and calls `sync` (fsync, syncfs) on it; `failure` starts the
    /// error message when the call fails.
    static func sync(directory path: String, with sync: (Int32) -> Int32, failure: String) throws(PackagerError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw PackagerError(.writeFailed, "cannot open '\(path)': \(errnoText())") }
        defer { close(descriptor) }
        guard sync(descriptor) == 0 else { throw PackagerError(.writeFailed, "\(failure): \(errnoText())") }
    }

    public func write(_ text: String, to name: String) throws(PackagerError) {
        try write([Array(text.utf8)], to: name)
    }

    /// Removes the file `name`; a file that is already gone is not an error.
    public func remove(_ name: String) throws(PackagerError) {
        guard unlink(filePath(name)) == 0 || errno == ENOENT else {
            throw PackagerError(.writeFailed, "cannot delete '\(filePath(name))': \(Self.errnoText())")
        }
    }

    /// `writev` in batches, resuming after short writes, so payloads go out without being joined.
    static func writeAll(_ parts: [[UInt8]], to descriptor: Int32, path: String) throws(PackagerError) {
        let maxVectors = 512  // well under IOV_MAX (1024 on Linux)
        var start = 0
        while start < parts.count {
            let batch = parts[start..<min(parts.count, start + maxVectors)]
            let total = batch.reduce(0) { $0 + $1.count }
            var written = 0
            while written < total {
                let result = writeBatch(batch, skipping: written, to: descriptor)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw PackagerError(.writeFailed, "cannot write '\(path)': \(errnoText())")
                }
                written += result
            }
            start += batch.count
        }
    }

    /// One `writev` of `batch`, leaving out its first `skip` bytes (already written).
    private static func writeBatch(_ batch: ArraySlice<[UInt8]>, skipping skip: Int, to descriptor: Int32) -> Int {
        var vectors: [iovec] = []
        vectors.reserveCapacity(batch.count)
        var remainingSkip = skip
        // The pointers are used after `withUnsafeBytes` returns. That is sound here because
        // every array is a native Swift array kept alive and unmodified by `batch` for the whole
        // call, so its heap storage neither moves nor is freed; nesting one closure per part
        // is not possible for a runtime-sized list.
        for part in batch {
            if remainingSkip >= part.count || part.isEmpty {
                remainingSkip -= part.count
                continue
            }
            part.withUnsafeBytes { buffer in
                let base = UnsafeMutableRawPointer(mutating: buffer.baseAddress!) + remainingSkip
                vectors.append(iovec(iov_base: base, iov_len: buffer.count - remainingSkip))
            }
            remainingSkip = 0
        }
        return vectors.withUnsafeBufferPointer { writev(descriptor, $0.baseAddress, Int32($0.count)) }
    }

    private static func createDirectories(_ path: String) throws(PackagerError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw PackagerError(.outputNotWritable, "cannot create output directory '\(path)': \(errnoText())")
            }
        }
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw PackagerError(.outputNotWritable, "output path '\(path)' is not a directory")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
