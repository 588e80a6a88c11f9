/// Estimates the frame rate of frames that come without timestamps from the intervals between
/// their arrivals: a plain state machine, arrival times (microseconds) in, a `FrameRate` out.
///
/// Arrival times themselves are never timestamps: a frame's arrival carries the network's and
/// the sender's jitter. Their intervals, taken together, tell the rate:
///
/// 1. The median of the last `windowLength` intervals is the typical interval. A late frame, a
///    frame the encoder skipped or a burst after a stall does not move it.
/// 2. The intervals between half and one and a half times the median are averaged. In a sum
///    of consecutive intervals the jitter cancels (each arrival that came late makes one
///    interval longer and the next shorter); the median alone keeps it (±5 ms of jitter at
///    30 fps moves the median of 60 intervals by up to 2 %).
/// 3. While the rate stays the same (the average of the window within 1 % of the average since
///    the rate last changed), the average runs over every typical interval since the change, so
///    it grows exact enough to tell 29.97 from 30 fps (0.1 % apart) within a minute or so.
/// 4. The result snaps to a common rate within 1 % (`FrameRate.estimated`).
///
/// Intervals longer than `pauseInterval` are pauses of the source, not frame intervals, and are
/// left out. When the median is shorter than `shortestFrameInterval`, or fewer than half the
/// intervals lie near it, frames arrive in bursts (several per socket read, then a gap) and
/// the average over the whole window is used.
struct FrameRateEstimator: Sendable {
    /// Intervals the median looks at: two seconds at 30 fps, so a change of rate is followed
    /// within about a second.
    static let windowLength = 60
    /// A longer gap between two frames is a pause of the source (µs).
    static let pauseInterval: Int64 = 1_000_000
    /// A typical interval below this (µs; 240 fps) means the frames arrive in bursts.
    static let shortestFrameInterval: Int64 = 1_000_000 / 240

    private var window: [Int64] = []
    /// Where the next interval goes in `window` once it is full.
    private var windowNext = 0
    private var lastArrival: Int64?
    /// The typical intervals since the rate last changed: their sum (µs) and count.
    private var runTotal: Int64 = 0
    private var runCount: Int64 = 0
    /// The current estimate; `nil` before the second frame, provisional while few intervals
    /// are known.
    private(set) var estimate: FrameRate?

    init() {}

    /// Notes that a frame arrived at `arrival` (microseconds on any steady clock).
    mutating func noteArrival(_ arrival: Int64) {
        defer { lastArrival = arrival }
        guard let last = lastArrival else { return }
        let interval = arrival - last
        guard interval >= 0, interval <= Self.pauseInterval else { return }
        if window.count < Self.windowLength {
            window.append(interval)
        } else {
            window[windowNext] = interval
            windowNext = (windowNext + 1) % Self.windowLength
        }
        let median = Self.median(window)
        var isTypical: (Int64) -> Bool = { 2 * $0 > median && 2 * $0 < 3 * median }
        if median < Self.shortestFrameInterval || 2 * window.count(where: isTypical) < window.count {
            isTypical = { _ in true }  // bursts: no interval is the typical one
        }
        var windowTotal: Int64 = 0
        var windowCount: Int64 = 0
        for value in window where isTypical(value) {
            windowTotal += value
            windowCount += 1
        }
        guard windowTotal > 0 else { return }
        if isTypical(interval) {
            runTotal += interval
            runCount += 1
        }
        let windowMean = Double(windowTotal) / Double(windowCount)
        let runMean = runCount > 0 ? Double(runTotal) / Double(runCount) : 0
        if runCount == 0 || abs(runMean - windowMean) > windowMean * FrameRate.snapTolerance {
            (runTotal, runCount) = (windowTotal, windowCount)
        }
        estimate = FrameRate.estimated(framesPerSecond: 1_000_000 * Double(runCount) / Double(runTotal)) ?? estimate
    }

    /// The middle value (the mean of the two middle ones for an even count).
    private static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
