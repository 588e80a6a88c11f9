/// Delays between attempts to reopen a pulled source: doubling from `initial` up to `maximum`;
/// an attempt that delivered media for at least `resetAfter` starts the sequence over.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var resetAfter: Duration
    private var next: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30), resetAfter: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter
        self.next = initial
    }

    /// The delay before the next attempt, given how long the last one ran.
    public mutating func delay(afterRunning ran: Duration) -> Duration {
        if ran >= resetAfter { next = initial }
        let delay = next
        next = min(maximum, next * 2)
        return delay
    }
}
