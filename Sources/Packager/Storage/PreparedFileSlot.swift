import Synchronization

/// Where a packager's next segment file (`PreparedFile`) waits until that segment is written.
/// Filled on the preparing threads, emptied by the packager; one file at most.
///
/// A file that is not used is closed on the preparing threads (by the next `put`), never by
/// the packager: closing an unnamed file frees its inode, and that, like making it, can wait
/// for the disk.
final class PreparedFileSlot: Sendable {
    private let file = Mutex<PreparedFile?>(nil)

    /// Keeps `prepared`. A file still here was made for a segment that never came (its write
    /// was redone without it, or the stream ended): it is replaced, and closed by this call.
    func put(_ prepared: PreparedFile?) {
        // Returned so that it is closed after the lock is let go.
        _ = file.withLock { file -> PreparedFile? in
            let replaced = file
            file = prepared
            return replaced
        }
    }

    /// The file made for segment `name`, if it is ready; a file made for another stays for
    /// `put` to replace.
    func take(for name: String) -> PreparedFile? {
        file.withLock { file -> PreparedFile? in
            guard file?.name == name else { return nil }
            let taken = file
            file = nil
            return taken
        }
    }
}
