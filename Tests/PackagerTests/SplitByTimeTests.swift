import Segmenter
import Testing

/// The Splitter options hlsenc's `split_by_time` and `hls_init_time` map to
/// (Sources/Segmenter/Splitter/Splitter+SplitByTime.swift).
@Suite("Splitter: split_by_time and hls_init_time")
struct SplitByTimeTests {
    static func durations(_ configuration: Splitter.Configuration, frames: Int, gop: Int) throws -> [(Double, Bool)] {
        var splitter = Splitter(tracks: [SyntheticStream.videoTrack()], configuration: configuration)
        var segments: [Segment] = []
        for index in 0..<frames { segments += try splitter.push(SyntheticStream.videoPacket(index, gop: gop)) }
        segments += try splitter.finish()
        return segments.map { (($0.duration * 1000).rounded() / 1000, $0.isIndependent) }
    }

    @Test func keyframesOnlyByDefault() throws {
        // 25 fps, keyframe every 3 s, hls_time 1: segments are whole GOPs.
        let result = try Self.durations(.init(targetDuration: 1), frames: 250, gop: 75)
        #expect(result.map(\.0) == [3, 3, 3, 1])
        let allIndependent = result.allSatisfy { $0.1 }
        #expect(allIndependent)
    }

    @Test func splitByTimeCutsBetweenKeyframes() throws {
        let result = try Self.durations(.init(targetDuration: 1, splitByTime: true), frames: 250, gop: 75)
        #expect(result.map(\.0) == Array(repeating: 1, count: 10))
        #expect(result.map(\.1) == (0..<10).map { $0 % 3 == 0 })
    }

    @Test func initTimeThenHlsTime() throws {
        let initial = SegmentGrid.InitialSegments(duration: 0.4, count: 3)
        let configuration = Splitter.Configuration(targetDuration: 2, initialSegments: initial)
        #expect(configuration.grid.boundary(segmentNumber: 3) == 0.4 * 3)
        #expect(abs(configuration.grid.boundary(segmentNumber: 4) - 3.2) < 1e-9)
        // Keyframe every 0.4 s.
        let result = try Self.durations(configuration, frames: 250, gop: 10)
        #expect(result.map(\.0) == [0.4, 0.4, 0.4, 2, 2, 2, 2, 0.8])
        let planned = configuration.grid.plannedDurations(
            keyframeTimes: stride(from: 0.0, to: 10, by: 0.4).map { $0 }, endTime: 10)
        #expect(planned.map { ($0 * 1000).rounded() / 1000 } == [0.4, 0.4, 0.4, 2, 2, 2, 2, 0.8])
    }
}
