import Synchronization

/// Who wants to know that a live stream listed a segment: one handler, set once the services
/// are made (retention asks for a pass, since a limit may be exceeded now). Cheap to notify
/// from every stream's pump.
public final class SegmentListedSignal: Sendable {
    private let handler = Mutex<(@Sendable () -> Void)?>(nil)

    public init() {}

    public func setHandler(_ newHandler: @escaping @Sendable () -> Void) {
        handler.withLock { $0 = newHandler }
    }

    func notify() {
        handler.withLock { $0 }?()
    }
}
