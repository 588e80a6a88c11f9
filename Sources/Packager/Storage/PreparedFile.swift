import CFileSystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file made ahead of time for the segment `name`, before its bytes exist: a file with no
/// name yet in the output directory (Linux `O_TMPFILE`). `OutputDirectory.write(_:to:prepared:)`
/// writes it and gives it its name in one step.
///
/// Why: making a file allocates an inode and looks its new name up in the directory, and both
/// can wait for the disk: on ext4 without a journal, a directory or inode-table block that the
/// periodic sync is writing back stays locked until the disk has it, and a lookup in that
/// directory waits that long (measurements: docs/benchmarks.md). Done
/// here, on threads nothing waits for, those waits leave the publish path: what is left there
/// is writing into the page cache and one link into a directory whose lookup of the name is
/// already cached (`OutputDirectory.prepareFile(named:)` looks it up).
///
/// A prepared file that is never used leaves nothing behind: it has no name, and closing it
/// (when the last reference goes) frees it.
public final class PreparedFile: Sendable {
    /// The name the file will get.
    public let name: String
    let descriptor: Int32

    init(name: String, descriptor: Int32) {
        self.name = name
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

extension OutputDirectory {
    /// Makes a file with no name for the coming segment `name` (see `PreparedFile`); nil where
    /// the file system cannot make unnamed files, or when `name` exists already (a playlist
    /// continued after a power cut reuses the numbers it dropped): `write` then renames over it.
    public func prepareFile(named name: String) -> PreparedFile? {
        // Also the lookup of the new name: it leaves a negative entry in the kernel's name
        // cache, so that the link later does not search the directory's blocks.
        guard (try? Self.checkPlainName(name)) != nil, !fileExists(name) else { return nil }
        let descriptor = hlsseg_open_unnamed_file(self.descriptor.value)
        guard descriptor >= 0 else { return nil }
        return PreparedFile(name: name, descriptor: descriptor)
    }

    /// Writes `parts` as the file `name` like `write(_:to:)`, into `prepared` when that was made
    /// for `name`: its bytes are written and synced (with `FileSync.perFile`) before it gets its
    /// name, so no one ever sees it partial. Where the prepared file cannot be named (`name`
    /// appeared meanwhile, or links are refused) this falls back to `write(_:to:)`.
    public func write(_ parts: [[UInt8]], to name: String, prepared: PreparedFile?) throws(PackagerError) {
        guard let prepared, prepared.name == name else { return try write(parts, to: name) }
        let target = filePath(name)
        try Self.writeAll(parts, to: prepared.descriptor, path: target)
        try syncIfPerFile(prepared.descriptor, path: target)
        guard hlsseg_name_unnamed_file(prepared.descriptor, descriptor.value, name) == 0 else {
            return try write(parts, to: name)
        }
    }
}
