import CFileSystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// When the files a packager writes reach the disk, relative to a playlist listing them.
/// Either way a file is complete before it is listed (temporary name, then rename or swap), so
/// a killed process never leaves a playlist naming a partial file; the modes differ only in
/// what a power cut or kernel crash can lose.
public enum FileSync: String, Sendable, CaseIterable {
    /// Every file, and its folder, is fsynced before the playlist that lists it is swapped in:
    /// after a power cut no playlist names a file that is not on disk. Each publish waits for
    /// the disk, so a disk that stalls for a second stalls every stream's playlist with it.
    case perFile = "per-file"
    /// Files are listed as soon as they are complete, without waiting for the disk; whoever
    /// owns the directories calls `OutputDirectory.syncFileSystem(containing:)` every second or so (the
    /// live server does). A power cut can lose the files of the last interval; resuming a
    /// playlist (`append_list`) then drops the listed segments that did not reach the disk
    /// (see `StreamPackager`).
    case periodic
}

extension OutputDirectory {
    /// Writes back everything dirty on the file system holding the directory `path`, this
    /// process's or not (syncfs(2)): one call per interval instead of an fsync per file, and the
    /// page writeback is done by the kernel's flusher threads while this one waits. Static: the
    /// caller syncs a root it already has, without `init`'s folder checks every interval.
    public static func syncFileSystem(containing path: String) throws(PackagerError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw PackagerError(.writeFailed, "cannot open '\(path)': \(errnoText())") }
        defer { close(descriptor) }
        guard hlsseg_sync_file_system(descriptor) == 0 else {
            throw PackagerError(.writeFailed, "cannot sync the file system of '\(path)': \(errnoText())")
        }
    }
}
