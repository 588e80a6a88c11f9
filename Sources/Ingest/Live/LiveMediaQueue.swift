import Segmenter
import Synchronization

/// One publisher's media on its way from the connection (an event loop, a reading thread) to
/// the task that feeds the stream's packager.
///
/// Why not an `AsyncStream`: a 2 Mbit/s publisher sends about 80 packets a second, and waking
/// the consumer for each one (a continuation resumed, a pool thread woken) was the largest
/// cost of a live stream. Most packets only wait in the splitter for the next cut anyway, so
/// the consumer says how eagerly it wants to be woken:
/// - `.batched`: on a video keyframe (a possible cut), new tracks, the end, or once
///   `Limits.wakeAfterEvents` items or half the byte limit have queued up;
/// - `.everyEvent`: on anything — while a decided cut waits for the other tracks, so a segment
///   is published as soon as the packet that completes it arrives.
/// Streams without video are always woken per event (every packet may end a segment).
///
/// Backpressure: above `Limits.pauseAboveBytes` queued, `send` returns false and the producer
/// should stop reading; `whenRoom` calls it back once the consumer has taken the queue.
/// Every item carries its arrival time, for the publish-latency metric.
public final class LiveMediaQueue: Sendable {
    public struct Item: Sendable {
        public var event: MediaEvent
        /// When the connection read the bytes that carried the event.
        public var arrival: ContinuousClock.Instant
    }

    public enum Wake: Sendable, Equatable { case batched, everyEvent }

    public struct Limits: Sendable {
        public var wakeAfterEvents: Int
        public var pauseAboveBytes: Int

        /// 256 events is about 3 s of a 2 Mbit/s stream, longer than a usual GOP, so a batched
        /// consumer wakes about once per keyframe (each wake is a thread hand-off; the packets
        /// only wait in the splitter for the next cut anyway); 8 MiB is half a minute of it (a
        /// slow disk may lag that long before the publisher is held back).
        public init(wakeAfterEvents: Int = 256, pauseAboveBytes: Int = 8 << 20) {
            self.wakeAfterEvents = wakeAfterEvents
            self.pauseAboveBytes = pauseAboveBytes
        }
    }

    private struct State {
        var items: [Item] = []
        var bytes = 0
        /// An item that `.batched` wakes for is queued.
        var hasWakeItem = false
        var wake = Wake.everyEvent
        var videoTracks: Set<UInt32> = []
        var ended = false
        var endReason: String?
        var consumer: CheckedContinuation<[Item]?, Never>?
        var roomWaiters: [@Sendable () -> Void] = []
    }

    private typealias Consumer = CheckedContinuation<[Item]?, Never>
    /// What to do outside the lock: resume the consumer, call producers waiting for room.
    private struct Handoff {
        var consumer: Consumer?
        var batch: [Item]?
        var roomWaiters: [@Sendable () -> Void] = []

        func run() {
            consumer?.resume(returning: batch)
            for waiter in roomWaiters { waiter() }
        }
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    // MARK: Producer

    /// Queues one event. Returns false when the queue is over its byte limit: stop reading and
    /// call `whenRoom`. Events sent after `finish` are dropped.
    @discardableResult
    public func send(_ event: MediaEvent, arrival: ContinuousClock.Instant = .now) -> Bool {
        send(contentsOf: CollectionOfOne(event), arrival: arrival)
    }

    /// Queues the events of one read at once, in order: one lock and at most one wake-up for
    /// all of them (a read often completes several messages). Returns as `send(_:arrival:)`.
    @discardableResult
    public func send(contentsOf events: some Collection<MediaEvent>, arrival: ContinuousClock.Instant) -> Bool {
        let (handoff, hasRoom) = state.withLock { state -> (Handoff, Bool) in
            guard !state.ended else { return (Handoff(), true) }
            for event in events {
                state.items.append(Item(event: event, arrival: arrival))
                switch event {
                case .tracks(let tracks):
                    state.videoTracks = Set(tracks.filter(\.format.isVideo).map(\.id))
                    state.hasWakeItem = true
                case .packet(let packet):
                    state.bytes += packet.data.count
                    if state.videoTracks.isEmpty || (packet.isKeyframe && state.videoTracks.contains(packet.trackID)) {
                        state.hasWakeItem = true
                    }
                }
            }
            let hasRoom = state.bytes <= limits.pauseAboveBytes
            // The wake condition first: taking the continuation out only when it is resumed
            // spares a reference count round trip on an object the consumer's thread touches.
            guard shouldWake(state), let consumer = state.consumer.take() else { return (Handoff(), hasRoom) }
            var handoff = take(&state)
            handoff.consumer = consumer
            return (handoff, true)
        }
        handoff.run()
        return hasRoom
    }

    /// The publisher is gone (`reason` nil) or was closed for a reason; the consumer gets what
    /// is queued, then the end.
    public func finish(reason: String?) {
        let handoff = state.withLock { state -> Handoff in
            guard !state.ended else { return Handoff() }
            state.ended = true
            state.endReason = reason
            var handoff = Handoff(roomWaiters: state.roomWaiters)
            state.roomWaiters = []
            if let consumer = state.consumer {
                state.consumer = nil
                handoff.consumer = consumer
                handoff.batch = state.items.isEmpty ? nil : take(&state).batch
            }
            return handoff
        }
        handoff.run()
    }

    /// Calls `action` once the queue has room again (at once when it has, or has ended).
    public func whenRoom(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.ended || state.bytes <= limits.pauseAboveBytes { return true }
            state.roomWaiters.append(action)
            return false
        }
        if now { action() }
    }

    /// For producers in a task: returns once the queue has room.
    public func waitForRoom() async {
        await withCheckedContinuation { continuation in
            whenRoom { continuation.resume() }
        }
    }

    // MARK: Consumer

    /// The next batch of events in order, waiting as `wake` says; nil once the publisher has
    /// finished and everything was taken. One consumer at a time.
    public func next(wake: Wake) async -> [Item]? {
        await withCheckedContinuation { (continuation: Consumer) in
            let handoff = state.withLock { state -> Handoff in
                state.wake = wake
                if !state.items.isEmpty, state.ended || shouldWake(state) {
                    var handoff = take(&state)
                    handoff.consumer = continuation
                    return handoff
                }
                if state.ended { return Handoff(consumer: continuation, batch: nil) }
                state.consumer = continuation
                return Handoff()
            }
            handoff.run()
        }
    }

    /// Why the publisher ended (nil: it disconnected); meaningful once `next` returned nil.
    public var endReason: String? { state.withLock { $0.endReason } }

    /// The publisher has finished (`finish(reason:)`); what it sent may still be waiting.
    public var isFinished: Bool { state.withLock { $0.ended } }

    private func shouldWake(_ state: State) -> Bool {
        state.wake == .everyEvent || state.hasWakeItem || state.items.count >= limits.wakeAfterEvents
            || state.bytes * 2 > limits.pauseAboveBytes
    }

    /// Empties the queue; producers waiting for room are called with the hand-off.
    private func take(_ state: inout State) -> Handoff {
        let batch = state.items
        state.items = []
        state.items.reserveCapacity(min(batch.count, limits.wakeAfterEvents))
        state.bytes = 0
        state.hasWakeItem = false
        let waiters = state.roomWaiters
        state.roomWaiters = []
        return Handoff(batch: batch, roomWaiters: waiters)
    }
}
