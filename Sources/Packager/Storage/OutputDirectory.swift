import CFileSystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A folder that a packager writes, with files that are complete before anyone can see them:
/// written to a hidden temporary name in the same directory, fsynced (with `FileSync.perFile`),
/// then renamed over the final name (rename is atomic within a file system). A crash at any
/// instant leaves either the old file or the new one, never a part. Files rewritten after every
/// segment (playlists) use `rewrite`, which swaps instead; live segments are written into a file
/// made ahead of time, which gets its name when complete (`PreparedFile`).
///
/// Nothing outside the folder is ever created, written, renamed or deleted, whatever the folder
/// contains. Every operation is relative to a descriptor of the folder opened once
/// (`DirectoryDescriptor`), never a path looked up again, and a name is always one plain entry:
/// - a file that is a symbolic link is refused (`PackagerError.Code.symbolicLink`), never
///   followed: files are opened with `O_NOFOLLOW`, and a name about to be renamed over is
///   checked first (a link swapped in between would be replaced, not written through);
/// - a stream folder under a root (`subdirectory(_:)`) that is a symbolic link is refused;
/// - a folder renamed or replaced by a link while a stream runs does not redirect its writes:
///   they go on into the folder that was opened.
/// The folder given to `init(path:)` itself is the caller's choice (a command-line argument,
/// the server's root) and may be reached through links.
public struct OutputDirectory: Sendable {
    /// The folder's path when it was opened: for messages, and for readers that work by path.
    public let path: String
    public let fileSync: FileSync
    let descriptor: DirectoryDescriptor

    /// Creates the directory (and its parents) if needed and checks that files can be made in it.
    public init(path: String, fileSync: FileSync = .perFile) throws(PackagerError) {
        try Self.createDirectories(path)
        let opened = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else {
            throw PackagerError(.outputNotWritable, "cannot open output directory '\(path)': \(Self.errnoText())")
        }
        self.init(path: path, fileSync: fileSync, descriptor: DirectoryDescriptor(opened))
        guard access(path, W_OK | X_OK) == 0 else {
            throw PackagerError(.outputNotWritable, "output directory '\(path)' is not writable: \(Self.errnoText())")
        }
    }

    private init(path: String, fileSync: FileSync, descriptor: DirectoryDescriptor) {
        self.path = path
        self.fileSync = fileSync
        self.descriptor = descriptor
    }

    /// The folder `name` in this one, created if missing: a stream's folder under the root.
    /// A `name` that is a symbolic link, or anything but a folder, is refused.
    public func subdirectory(_ name: String, fileSync: FileSync? = nil) throws(PackagerError) -> OutputDirectory {
        try Self.checkPlainName(name)
        let childPath = filePath(name)
        if mkdirat(descriptor.value, name, 0o755) != 0 && errno != EEXIST {
            throw PackagerError(.outputNotWritable, "cannot create output directory '\(childPath)': \(Self.errnoText())")
        }
        try refuseSymbolicLink(name)
        let opened = openat(descriptor.value, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard opened >= 0 else {
            if errno == ELOOP { throw Self.symbolicLinkError(childPath) }
            throw PackagerError(.outputNotWritable, "cannot open output directory '\(childPath)': \(Self.errnoText())")
        }
        return OutputDirectory(path: childPath, fileSync: fileSync ?? self.fileSync, descriptor: DirectoryDescriptor(opened))
    }

    public func filePath(_ name: String) -> String { path + "/" + name }

    /// Whether the folder has an entry `name` (a symbolic link counts, followed or not).
    public func fileExists(_ name: String) -> Bool {
        var status = stat()
        return fstatat(descriptor.value, name, &status, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Writes `parts` one after another as the file `name`, atomically (and durably with
    /// `FileSync.perFile`).
    public func write(_ parts: [[UInt8]], to name: String) throws(PackagerError) {
        try Self.checkPlainName(name)
        let temporary = Self.temporaryName(of: name)
        try writeCompletely(parts, at: temporary, overwritingInPlace: false)
        try moveIntoPlace(temporary, as: name)
    }

    public func write(_ text: String, to name: String) throws(PackagerError) {
        try write([Array(text.utf8)], to: name)
    }

    /// Writes `parts` as the file `name`, atomically (and durably) like `write`, for a file that
    /// is rewritten again and again (a live playlist, after every segment).
    ///
    /// Why not `write`: renaming over the old version frees its inode, and ext4 without a
    /// journal keeps a freed inode "recently deleted" for a minute or more; every later file
    /// creation in that block group scans past each one, a cost that grows with the number of
    /// live streams (measurements: docs/benchmarks.md). So the file keeps two inodes:
    /// the new version is written into the spare `.<name>.tmp`, fsynced, and the two names are
    /// swapped atomically (`renameat2(RENAME_EXCHANGE)`); the spare then holds the previous
    /// version and is overwritten by the next rewrite. Where the file system cannot swap (or
    /// `name` does not exist yet) this falls back to `write`'s rename.
    ///
    /// The spare is overwritten in place and then cut to length, never truncated to zero
    /// first: that would free its blocks, and on ext4 without a journal mounted with `discard`
    /// freeing a block waits for the disk to discard it, while closing a file that was
    /// truncated to zero starts its writeback (`auto_da_alloc`). Either can stall a playlist
    /// update for as long as a slow disk takes (measurements: docs/benchmarks.md).
    ///
    /// With `FileSync.perFile` the directory is synced before returning, so the swap is on disk
    /// before the spare is overwritten: a crash at any instant leaves `name` holding a
    /// complete version.
    /// Readers: a reader still reading the previous version when the next rewrite starts sees
    /// it change under it. That is one segment duration later; `FileCache` checks the file's
    /// identity again after reading and retries. Call `removeSpare(of:)` when done.
    public func rewrite(_ parts: [[UInt8]], to name: String) throws(PackagerError) {
        try Self.checkPlainName(name)
        let spare = Self.temporaryName(of: name)
        try writeCompletely(parts, at: spare, overwritingInPlace: true)
        try refuseSymbolicLink(name, removingOnRefusal: spare)
        if hlsseg_rename_exchange(descriptor.value, spare, name) != 0 {
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

    private func moveIntoPlace(_ temporary: String, as name: String) throws(PackagerError) {
        try refuseSymbolicLink(name, removingOnRefusal: temporary)
        guard renameat(descriptor.value, temporary, descriptor.value, name) == 0 else {
            let text = Self.errnoText()
            unlinkat(descriptor.value, temporary, 0)
            throw PackagerError(.writeFailed, "cannot rename '\(filePath(temporary))' to '\(name)': \(text)")
        }
    }

    /// Makes the entry `name` hold exactly `parts`, fsynced with `FileSync.perFile`; on failure
    /// nothing is left there. `overwritingInPlace`: an existing file is written over from its
    /// start and then cut to the new length (see `rewrite`); otherwise it is truncated to zero
    /// first. An entry that is a symbolic link is refused and left alone.
    private func writeCompletely(
        _ parts: [[UInt8]], at name: String, overwritingInPlace: Bool
    ) throws(PackagerError) {
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (overwritingInPlace ? 0 : O_TRUNC)
        let file = openat(descriptor.value, name, flags, 0o644)
        let path = filePath(name)
        guard file >= 0 else {
            if errno == ELOOP { throw Self.symbolicLinkError(path) }
            throw PackagerError(.writeFailed, "cannot create '\(path)': \(Self.errnoText())")
        }
        do throws(PackagerError) {
            try Self.writeAll(parts, to: file, path: path)
            if overwritingInPlace { try Self.cutToLength(file, parts.reduce(0) { $0 + $1.count }, path: path) }
            try syncIfPerFile(file, path: path)
        } catch {
            close(file)
            unlinkat(descriptor.value, name, 0)
            throw error
        }
        close(file)
    }

    /// `fsync`s a file just written, with `FileSync.perFile`; `.periodic` leaves it to
    /// `syncFileSystem(containing:)`.
    func syncIfPerFile(_ file: Int32, path: String) throws(PackagerError) {
        guard fileSync == .periodic || fsync(file) == 0 else {
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
        guard fsync(descriptor.value) == 0 else {
            throw PackagerError(.writeFailed, "cannot sync directory '\(path)': \(Self.errnoText())")
        }
    }

    /// Removes the entry `name` (a symbolic link itself, never what it points to); an entry that
    /// is already gone is not an error.
    public func remove(_ name: String) throws(PackagerError) {
        try Self.checkPlainName(name)
        guard unlinkat(descriptor.value, name, 0) == 0 || errno == ENOENT else {
            throw PackagerError(.writeFailed, "cannot delete '\(filePath(name))': \(Self.errnoText())")
        }
    }

    // MARK: Names and links

    /// Throws `.symbolicLink` when the entry `name` is a symbolic link, after removing the
    /// entry `removingOnRefusal` (a temporary file that was to replace it).
    func refuseSymbolicLink(_ name: String, removingOnRefusal temporary: String? = nil) throws(PackagerError) {
        var status = stat()
        guard fstatat(descriptor.value, name, &status, AT_SYMLINK_NOFOLLOW) == 0,
            (status.st_mode & S_IFMT) == S_IFLNK
        else { return }
        if let temporary { unlinkat(descriptor.value, temporary, 0) }
        throw Self.symbolicLinkError(filePath(name))
    }

    /// The entries of the folder that are symbolic links (none of them are ever made here).
    public func symbolicLinks() throws(PackagerError) -> [String] {
        try fileNames().filter { name in
            var status = stat()
            return fstatat(descriptor.value, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
        }
    }

    static func symbolicLinkError(_ path: String) -> PackagerError {
        PackagerError(
            .symbolicLink, "'\(path)' is a symbolic link; hlsseg never writes through links in its output (remove it)")
    }

    /// Names are single entries of the folder: never a path, `.` or `..`.
    static func checkPlainName(_ name: String) throws(PackagerError) {
        guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(UInt8(ascii: "/")) else {
            throw PackagerError(.invalidConfiguration, "'\(name)' is not a plain file name")
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
