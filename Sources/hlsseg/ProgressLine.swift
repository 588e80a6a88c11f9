#if canImport(Glibc)
    import Glibc
#endif

/// "media 00:01:23.4  speed 41.2x" on stderr, redrawn in place, only when stderr is a terminal.
final class ProgressLine {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = monotonicSeconds()
    private var lastShown = 0.0
    private var calls = 0

    /// True about twice a second; cheap enough to ask for every packet.
    func isDue() -> Bool {
        guard enabled else { return false }
        calls += 1
        guard calls % 64 == 0 else { return false }
        let now = monotonicSeconds()
        guard now - lastShown >= 0.5 else { return false }
        lastShown = now
        return true
    }

    func show(mediaSeconds: Double) {
        guard enabled else { return }
        let elapsed = max(monotonicSeconds() - started, 1e-3)
        let speed = mediaSeconds / elapsed
        writeStandardError("\rmedia \(Self.clock(mediaSeconds))  speed \(Self.oneDecimal(speed))x   ")
    }

    func finish(mediaSeconds: Double) {
        guard enabled else { return }
        show(mediaSeconds: mediaSeconds)
        writeStandardError("\n")
    }

    static func clock(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded(.down))
        let (h, m, s, t) = (tenths / 36000, tenths / 600 % 60, tenths / 10 % 60, tenths % 10)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(h)):\(two(m)):\(two(s)).\(t)"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
