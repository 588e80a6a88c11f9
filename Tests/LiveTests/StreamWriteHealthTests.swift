import Packager
import Testing

@testable import Live

/// A run of write failures is said once when it starts and once when writes recover, with
/// what the whole run lost; never once per segment.
@Suite("StreamWriteHealth")
struct StreamWriteHealthTests {
    static let diskFull = PackagerError(.writeFailed, "cannot write 'seg3.m4s': No space left on device")

    static func report(lost segments: Int = 0, error: PackagerError? = nil, failing: Bool) -> StreamPackager.WriteReport {
        var report = StreamPackager.WriteReport()
        report.losses = StreamPackager.Losses(segments: segments, frames: segments * 60, seconds: Double(segments) * 2)
        report.writeError = error
        report.isFailing = failing
        return report
    }

    @Test func aRunOfFailuresIsSaidOnceThenItsRecoveryWithTheTotal() {
        var health = StreamWriteHealth()
        #expect(health.observe(Self.report(failing: false)).isEmpty)
        #expect(health.observe(Self.report(lost: 1, error: Self.diskFull, failing: true)) == [.failing(Self.diskFull)])
        #expect(health.observe(Self.report(lost: 1, error: Self.diskFull, failing: true)).isEmpty)
        #expect(health.observe(Self.report(failing: true)).isEmpty)
        #expect(health.observe(Self.report(lost: 2, error: Self.diskFull, failing: true)).isEmpty)
        let lost = StreamPackager.Losses(segments: 4, frames: 240, seconds: 8)
        #expect(health.observe(Self.report(failing: false)) == [.recovered(lost: lost)])
        #expect(health.observe(Self.report(failing: false)).isEmpty)
        // A second run is said again, with only its own loss.
        #expect(health.observe(Self.report(lost: 1, error: Self.diskFull, failing: true)) == [.failing(Self.diskFull)])
        #expect(
            health.observe(Self.report(failing: false)) == [.recovered(lost: StreamPackager.Losses(segments: 1, frames: 60, seconds: 2))])
        #expect(health.losses == StreamPackager.Losses(segments: 5, frames: 300, seconds: 10))
    }

    /// One batch can hold a failed segment and the next one written.
    @Test func failureAndRecoveryInOneReport() {
        var health = StreamWriteHealth()
        let events = health.observe(Self.report(lost: 1, error: Self.diskFull, failing: false))
        #expect(events == [.failing(Self.diskFull), .recovered(lost: StreamPackager.Losses(segments: 1, frames: 60, seconds: 2))])
    }
}
