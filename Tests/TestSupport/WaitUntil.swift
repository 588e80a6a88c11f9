/// Polls `condition` every 50 ms for at most `seconds`; true as soon as it holds. Shared by the
/// test targets that wait for a server, a process or a log line.
/// A condition that throws ends the wait with its error.
public func waitUntil(seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    // Once more at the deadline: a wait that woke late still sees what happened in time.
    return try await condition()
}

/// `waitUntil(seconds:_:)` that throws when the time runs out, naming `what` was awaited.
public func waitUntil(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
    guard try await waitUntil(seconds: seconds, condition) else {
        throw HarnessError("timed out after \(seconds) s waiting for \(what)")
    }
}
