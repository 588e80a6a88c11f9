import Synchronization

/// Counters shared by every connection.
final class Stats: Sendable {
    private let counters = Mutex((started: 0, refused: 0, dropped: 0, frames: 0, bytes: 0))

    func started() { counters.withLock { $0.started += 1 } }
    func refused() { counters.withLock { $0.refused += 1 } }
    func dropped() { counters.withLock { $0.dropped += 1 } }
    func sent(bytes: Int, frame: Bool) {
        counters.withLock {
            $0.bytes += bytes
            if frame { $0.frames += 1 }
        }
    }

    var snapshot: (started: Int, refused: Int, dropped: Int, frames: Int, bytes: Int) { counters.withLock { $0 } }
}
