import CLibAV
import Segmenter
import Testing

@testable import Ingest

@Suite("Timing helpers")
struct HelperTests {
    @Test func audioSmootherKeepsExactFrames() {
        // 1024-sample frames at 48 kHz stamped in milliseconds: 0, 21, 43, 64 ms.
        var smoother = AudioTimestampSmoother(tolerance: 48)
        let placed = [0, 1008, 2064, 3072, 9000].map { smoother.place($0, duration: 1024) }
        #expect(placed == [0, 1024, 2048, 3072, 9000])
    }

    @Test func videoFixerBackfillsLeadingDTS() {
        var fixer = VideoTimestampFixer(defaultFrameDuration: 40)
        func packet() -> MediaPacket { MediaPacket(trackID: 0, dts: 0, pts: 0, duration: 40, isKeyframe: false, data: []) }
        #expect(fixer.push(packet(), pts: 21, dts: nil).isEmpty)
        #expect(fixer.push(packet(), pts: 141, dts: nil).isEmpty)
        let ready = fixer.push(packet(), pts: 61, dts: 21)
        #expect(ready.map(\.dts) == [-59, -19, 21])
        #expect(ready.map(\.pts) == [21, 141, 61])
        #expect(fixer.push(packet(), pts: nil, dts: nil).map(\.dts) == [61])
    }

    @Test func pacerDelays() {
        var pacer = RealtimePacer()
        let start = ContinuousClock.now
        #expect(pacer.delay(untilMediaTime: 10, now: start) == .zero)
        #expect(pacer.delay(untilMediaTime: 10.5, now: start) == .milliseconds(500))
        #expect(pacer.delay(untilMediaTime: 10.5, now: start.advanced(by: .seconds(1))) == .zero)
    }

    @Test func timescales() {
        #expect(Timescales.video(for: .init(num: 1, den: 12800)) == 12800)
        #expect(Timescales.video(for: .init(num: 1, den: 25)) == 90000)
        #expect(Timescales.video(for: .init(num: 1001, den: 30000)) == 90000)
        #expect(Timescales.rescale(1, from: .init(num: 1001, den: 30000), to: 90000) == 3003)
        #expect(Timescales.tickSpan(of: .init(num: 1, den: 1000), in: 48000) == 48)
    }
}
