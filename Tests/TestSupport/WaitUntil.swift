/// Polls `condition` every 50 ms for at most `seconds`; true as soon as it holds. Shared by the
/// test targets that wait for a server, a process or a log line.
public func waitUntil(seconds: Double, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
