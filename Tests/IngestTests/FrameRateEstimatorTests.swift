import Segmenter
import Testing

@testable import Ingest

/// Synthetic arrival sequences (seeded jitter) through `FrameRateEstimator`, `SteadyFrameClock`
/// and `FrameRate`: no I/O, no clocks.
@Suite("Frame rate of frames without timestamps")
struct FrameRateEstimatorTests {
    /// A seeded generator (PCG-style LCG): the same jitter on every run.
    struct Jitter {
        var state: UInt64

        /// A uniformly distributed offset in -limit...limit microseconds.
        mutating func next(_ limit: Int64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64(state >> 33) % (2 * limit + 1) - limit
        }
    }

    /// Arrival times (µs) of `count` frames at `rate`, each off its true time by up to ±`jitter`,
    /// in arrival order (jitter may reorder nothing: a frame never overtakes the one before).
    static func arrivals(count: Int, rate: FrameRate, jitter limit: Int64, seed: UInt64, start: Int64 = 0) -> [Int64] {
        var jitter = Jitter(state: seed)
        var times: [Int64] = []
        for index in 0..<count {
            let ideal = start + rate.time(ofFrame: Int64(index), timescale: 1_000_000)
            times.append(max(times.last ?? .min, ideal + jitter.next(limit)))
        }
        return times
    }

    static func estimates(_ arrivals: [Int64]) -> [FrameRate?] {
        var estimator = FrameRateEstimator()
        return arrivals.map { arrival in
            estimator.noteArrival(arrival)
            return estimator.estimate
        }
    }

    static let fps30 = FrameRate(framesPerSecond: 30)!
    static let ntsc = FrameRate(frames: 30_000, seconds: 1001)!

    @Test("30 fps ± 5 ms of jitter is estimated as exactly 30; from the 60th frame on within 1 %", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func jittered30(seed: UInt64) {
        let estimates = Self.estimates(Self.arrivals(count: 1800, rate: Self.fps30, jitter: 5000, seed: seed))
        #expect(estimates.first! == nil)
        #expect(estimates.dropFirst(60).allSatisfy { abs($0!.framesPerSecond - 30) <= 0.3 })
        #expect(estimates.last! == Self.fps30)
        #expect(estimates.suffix(300).allSatisfy { $0 == Self.fps30 }, "settled on 30, not flipping to 29.97")
    }

    @Test("29.97 fps (30000/1001) ± 5 ms of jitter is told from 30", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func jittered2997(seed: UInt64) {
        let estimates = Self.estimates(Self.arrivals(count: 1800, rate: Self.ntsc, jitter: 5000, seed: seed))
        #expect(estimates.last! == Self.ntsc)
        #expect(estimates.suffix(300).allSatisfy { $0 == Self.ntsc })
    }

    @Test("a rate that is not a common one is kept to 1/1000 fps; a change of rate is followed within about a second")
    func uncommonRateAndChange() {
        let odd = FrameRate(frames: 15_300, seconds: 1000)!
        let first = Self.arrivals(count: 300, rate: odd, jitter: 2000, seed: 9)
        let second = Self.arrivals(count: 300, rate: FrameRate(framesPerSecond: 25)!, jitter: 2000, seed: 10, start: first.last! + 40_000)
        let estimates = Self.estimates(first + second)
        #expect(abs(estimates[299]!.framesPerSecond - 15.3) < 0.02)
        #expect(estimates[299 + 50]! == FrameRate(framesPerSecond: 25)!)
        #expect(estimates.last! == FrameRate(framesPerSecond: 25)!)
    }

    @Test("frames that arrive in bursts (two per read, then a gap) give the mean rate, not the burst's")
    func bursts() {
        // 25 fps sent, read two at a time: intervals of 0 and 80 ms; three at a time: 0, 0, 120 ms.
        let pairs = (0..<200).map { Int64($0 / 2) * 80_000 }
        #expect(Self.estimates(pairs).suffix(100).allSatisfy { $0 == FrameRate(framesPerSecond: 25)! })
        let triples = (0..<300).map { Int64($0 / 3) * 120_000 }
        #expect(Self.estimates(triples).suffix(100).allSatisfy { $0 == FrameRate(framesPerSecond: 25)! })
    }

    @Test("a pause (3 s without frames) is not a frame interval: the estimate stays, the grid re-anchors to the arrival")
    func pauseReanchors() {
        let rate = FrameRate(framesPerSecond: 25)!
        let before = Self.arrivals(count: 100, rate: rate, jitter: 3000, seed: 3)
        let resume = before.last! + 3_000_000
        let after = Self.arrivals(count: 100, rate: rate, jitter: 3000, seed: 4, start: resume)
        var estimator = FrameRateEstimator()
        var clock = SteadyFrameClock(timescale: 90_000)
        var stamps: [Int64] = []
        for arrival in before + after {
            estimator.noteArrival(arrival)
            let frameRate = estimator.estimate ?? FrameRate.fallback
            stamps.append(clock.stamp(rate: frameRate, arrival: FrameIngestSession.ticks(arrival, 90_000)).time)
        }
        #expect(estimator.estimate == rate)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
        // The first stamp is the first arrival; the first after the pause is that frame's arrival.
        #expect(stamps[0] == FrameIngestSession.ticks(before[0], 90_000))
        #expect(stamps[100] == FrameIngestSession.ticks(after[0], 90_000))
        // On the grid (3600 ticks at 90 kHz) before and after, once the estimate settled.
        let steps = zip(stamps, stamps.dropFirst()).map { $1 - $0 }
        #expect(steps[50..<99].allSatisfy { $0 == 3600 })
        #expect(steps[100...].allSatisfy { $0 == 3600 })
        // Never seconds behind: every stamp within a second of its frame's arrival.
        for (stamp, arrival) in zip(stamps, before + after) {
            #expect(abs(stamp - FrameIngestSession.ticks(arrival, 90_000)) < 90_000)
        }
    }

    @Test("the SPS VUI timing wins over the estimate, the user's rate over both")
    func precedence() {
        let vui50 = H264SPS.Timing(numUnitsInTick: 1, timeScale: 100, fixedFrameRate: false)
        let estimate = FrameRate(framesPerSecond: 30)
        let explicit = FrameRate(framesPerSecond: 24)
        #expect(FrameRate.forFramesWithoutTimestamps(explicit: nil, timing: vui50, estimate: estimate) == FrameRate(framesPerSecond: 50))
        #expect(FrameRate.forFramesWithoutTimestamps(explicit: explicit, timing: vui50, estimate: estimate) == explicit)
        #expect(FrameRate.forFramesWithoutTimestamps(explicit: nil, timing: nil, estimate: estimate) == estimate)
        // VUI timing no camera sends (a 90 kHz clock, one tick per field) is ignored.
        let placeholder = H264SPS.Timing(numUnitsInTick: 1, timeScale: 90_000, fixedFrameRate: false)
        #expect(FrameRate.forFramesWithoutTimestamps(explicit: nil, timing: placeholder, estimate: estimate) == estimate)
        #expect(FrameRate(timing: H264SPS.Timing(numUnitsInTick: 1001, timeScale: 60_000, fixedFrameRate: true)) == Self.ntsc)
    }

    @Test("frame times are exact on the grid: no rounding carried from frame to frame")
    func exactGrid() {
        #expect(Self.ntsc.time(ofFrame: 1, timescale: 90_000) == 3003)
        #expect(Self.ntsc.time(ofFrame: 1000, timescale: 1000) == 33_367)
        let film = FrameRate(frames: 24_000, seconds: 1001)!
        #expect(film.time(ofFrame: 4, timescale: 90_000) == 15_015)
        #expect(film.time(ofFrame: 1, timescale: 90_000) == 3754)  // 3753.75, to nearest
        #expect(film.time(ofFrame: 24_000 * 3600, timescale: 90_000) == 1001 * 90_000 * 3600)
        #expect(FrameRate.estimated(framesPerSecond: 30.2) == Self.fps30)
        #expect(FrameRate.estimated(framesPerSecond: 29.975) == Self.ntsc)
        #expect(FrameRate.estimated(framesPerSecond: 27) == FrameRate(framesPerSecond: 27))
        #expect(FrameRate.estimated(framesPerSecond: 1000) == nil)
    }

    @Test("a file's grid starts at 0; a change of rate continues where the next frame was due; stamps always rise")
    func clockRateChange() {
        var clock = SteadyFrameClock(timescale: 90_000)
        var stamps: [Int64] = []
        for index in 0..<10 {
            let rate = index < 5 ? FrameRate(framesPerSecond: 25)! : FrameRate(framesPerSecond: 50)!
            stamps.append(clock.stamp(rate: rate, arrival: nil).time)
        }
        #expect(stamps == [0, 3600, 7200, 10_800, 14_400, 18_000, 19_800, 21_600, 23_400, 25_200])
        // Faster than the timescale can resolve: one tick apart, never equal.
        var coarse = SteadyFrameClock(timescale: 100)
        let fast = FrameRate(framesPerSecond: 300)!
        let coarseStamps = (0..<20).map { _ in coarse.stamp(rate: fast, arrival: nil).time }
        #expect(zip(coarseStamps, coarseStamps.dropFirst()).allSatisfy { $0 < $1 })
    }
}
