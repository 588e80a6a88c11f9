import Synchronization

/// Where a packager's next segment file (`PreparedFile`) waits until that segment is written.
/// Filled on the preparing thread, emptied by the packager; one file at most.
final class PreparedFileSlot: Sendable {
    private let file = Mutex<PreparedFile?>(nil)

    /// Keeps `prepared` (a file still here is replaced: it was made for a segment that never
    /// came, such as one whose write failed and was redone).
    func put(_ prepared: PreparedFile?) {
        // The replaced file is returned, so that it is closed after the lock is let go.
        _ = file.withLock { file -> PreparedFile? in
            let replaced = file
            file = prepared
            return replaced
        }
    }

    /// The file made for segment `name`, if it is ready; any other file is let go.
    func take(for name: String) -> PreparedFile? {
        let taken = file.withLock { file -> PreparedFile? in
            let taken = file
            file = nil
            return taken
        }
        return taken?.name == name ? taken : nil
    }
}
