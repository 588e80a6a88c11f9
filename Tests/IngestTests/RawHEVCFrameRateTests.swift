import Foundation
import Segmenter
import TestSupport
import Testing

@testable import Ingest

/// Raw `.hevc` (no timestamps) read through libavformat: the frames are stamped on a grid at the
/// user's `--framerate`, else the rate of the SPS's VUI timing, else 25 fps — as raw H.264.
@Suite("Raw HEVC frame rate: --framerate, then VUI timing", .timeLimit(.minutes(2)))
struct RawHEVCFrameRateTests {
    /// 2 s at 50 fps with B-frames by libx265, which writes VUI timing (ffprobe reads 50/1).
    static let file: Result<String, any Error> = Result {
        let directory = try TestScratch.directory("raw-hevc-frame-rate").path
        try Fixtures.run(
            Fixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=50", "-t", "2",
                "-pix_fmt", "yuv420p", "-c:v", "libx265", "-x265-params", "log-level=error:keyint=50:bframes=3", "-f", "hevc",
                "vui.hevc",
            ], in: directory)
        return "\(directory)/vui.hevc"
    }

    /// The decode-time steps of every packet (ticks), the track's timescale and the SPS's rate.
    static func steps(framerate: Int?) throws -> (steps: [Int64], timescale: Int64, rate: FrameRate?) {
        let input = try LibAVInput(url: try file.get(), options: InputOptions(framerate: framerate))
        let track = try #require(input.tracks.first)
        guard case .video(.hevc(let record), _, _, let timescale) = track.format else {
            throw Fixtures.Missing(description: "vui.hevc: no HEVC track")
        }
        var packets: [MediaPacket] = []
        while let packet = try input.nextPacket() { packets.append(packet) }
        #expect(packets.count == 100)
        #expect(packets.contains { $0.pts != $0.dts }, "B-frames keep their presentation order")
        let rate = try record.parsedSPS().timing.flatMap(FrameRate.init(timing:))
        return (zip(packets, packets.dropFirst()).map { $1.dts - $0.dts }, Int64(timescale), rate)
    }

    @Test("VUI timing of 50 fps: a 20 ms grid, not the 40 ms of the 25 fps default")
    func vuiRate() throws {
        let (steps, timescale, rate) = try Self.steps(framerate: nil)
        #expect(rate == FrameRate(framesPerSecond: 50))
        #expect(steps.allSatisfy { $0 == timescale / 50 }, "\(Set(steps)) at \(timescale)")
    }

    @Test("--framerate wins over the VUI timing")
    func explicitRateWinsOverVUI() throws {
        let (steps, timescale, _) = try Self.steps(framerate: 30)
        #expect(steps.allSatisfy { $0 == timescale / 30 }, "\(Set(steps)) at \(timescale)")
    }
}
