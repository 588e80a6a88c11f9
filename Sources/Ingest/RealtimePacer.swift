import Glibc

/// Paces delivery for `--re`: a packet is released no earlier than its media time after the
/// first packet's, measured on the monotonic clock (`ContinuousClock`).
///
/// `wait(untilMediaTime:)` blocks the calling thread with `nanosleep`, which suits the
/// synchronous, blocking `nextPacket()` of libavformat inputs (they block on I/O anyway, so
/// they run on a thread of their own). Async callers use `delay(untilMediaTime:)` with
/// `Task.sleep(for:)` instead.
public struct RealtimePacer: Sendable {
    private var origin: (media: Double, wall: ContinuousClock.Instant)?

    public init() {}

    /// How long to wait before delivering a packet at `mediaTime` seconds; zero when it is due.
    /// The first call fixes the origin. A jump back in media time (a new origin) re-anchors.
    public mutating func delay(untilMediaTime mediaTime: Double, now: ContinuousClock.Instant = .now) -> Duration {
        guard let origin, mediaTime >= origin.media else {
            origin = (mediaTime, now)
            return .zero
        }
        let due = origin.wall.advanced(by: .seconds(mediaTime - origin.media))
        return due > now ? now.duration(to: due) : .zero
    }

    /// Blocks the thread until `mediaTime` is due.
    public mutating func wait(untilMediaTime mediaTime: Double) {
        let pause = delay(untilMediaTime: mediaTime)
        guard pause > .zero else { return }
        let (seconds, attoseconds) = pause.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
