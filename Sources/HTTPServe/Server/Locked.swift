import Foundation

/// A value behind a lock, for the few caches the request handlers share across event loops.
///
/// `@unchecked Sendable` is sound: `value` is only reached through `withLock`, which holds `lock`
/// for the whole access, and `Value` must itself be `Sendable` to be handed out.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
