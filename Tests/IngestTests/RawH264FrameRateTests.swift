import Foundation
import Segmenter
import TestSupport
import Testing

@testable import Ingest

/// Raw `.h264` (no timestamps) read through libavformat: the frames are stamped on a grid at the
/// user's `--framerate`, else the SPS VUI rate, else 25 fps.
@Suite("Raw H.264 frame rate: --framerate, then VUI timing, then 25", .timeLimit(.minutes(2)))
struct RawH264FrameRateTests {
    static let gstLaunch = "/usr/bin/gst-launch-1.0"

    /// 2 s at 50 fps, 160×120, made once: `vui.h264` by x264, which writes VUI timing (ffprobe
    /// reads 50/1 from it), and `novui.h264` by Cisco's OpenH264 (GStreamer's openh264enc),
    /// which writes a VUI without timing, as many camera encoders do.
    static let directory: Result<String, any Error> = Result {
        let directory = try TestScratch.directory("raw-h264-frame-rate").path
        try Fixtures.run(
            Fixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=50", "-t", "2",
                "-c:v", "libx264", "-g", "50", "-bf", "0", "-preset", "veryfast", "-f", "h264", "vui.h264",
            ], in: directory)
        guard FileManager.default.isExecutableFile(atPath: gstLaunch) else {
            throw Fixtures.Missing(
                description: "gst-launch-1.0 not found: apt-get install gstreamer1.0-tools gstreamer1.0-plugins-bad (openh264enc)")
        }
        let made = try Subprocess.runBlocking(
            gstLaunch,
            [
                "-q", "videotestsrc", "num-buffers=100", "!", "video/x-raw,width=160,height=120,framerate=50/1", "!",
                "openh264enc", "gop-size=50", "!", "video/x-h264,stream-format=byte-stream", "!", "filesink",
                "location=\(directory)/novui.h264",
            ])
        guard made.succeeded, (try? FileManager.default.attributesOfItem(atPath: "\(directory)/novui.h264")[.size] as? Int) ?? 0 > 0
        else {
            throw Fixtures.Missing(
                description: "GStreamer's openh264enc failed (apt-get install gstreamer1.0-plugins-bad): \(made.summary)")
        }
        return directory
    }

    /// The decode-time steps of every packet (ticks) and the track's timescale.
    static func steps(_ name: String, framerate: Int?) throws -> (steps: [Int64], timescale: Int64, timing: H264SPS.Timing?) {
        let input = try LibAVInput(url: "\(try directory.get())/\(name)", options: InputOptions(framerate: framerate))
        let track = try #require(input.tracks.first)
        guard case .video(.h264(let record), _, _, let timescale) = track.format else {
            throw Fixtures.Missing(description: "\(name): no H.264 track")
        }
        var packets: [MediaPacket] = []
        while let packet = try input.nextPacket() { packets.append(packet) }
        #expect(packets.count == 100)
        #expect(packets.first?.dts == 0)
        #expect(packets.allSatisfy { $0.pts == $0.dts })
        return (zip(packets, packets.dropFirst()).map { $1.dts - $0.dts }, Int64(timescale), try record.parsedSPS().timing)
    }

    @Test("VUI timing of 50 fps: a 20 ms grid, not the 40 ms of the 25 fps default")
    func vuiRate() throws {
        let (steps, timescale, timing) = try Self.steps("vui.h264", framerate: nil)
        #expect(timing.flatMap(FrameRate.init(timing:)) == FrameRate(framesPerSecond: 50))
        #expect(steps.allSatisfy { $0 == timescale / 50 }, "\(Set(steps)) at \(timescale)")
    }

    @Test("--framerate wins over the VUI timing")
    func explicitRateWinsOverVUI() throws {
        let (steps, timescale, _) = try Self.steps("vui.h264", framerate: 30)
        #expect(steps.allSatisfy { $0 == timescale / 30 }, "\(Set(steps)) at \(timescale)")
    }

    @Test("without VUI timing: 25 fps, or --framerate")
    func noVUI() throws {
        let (defaultSteps, timescale, timing) = try Self.steps("novui.h264", framerate: nil)
        #expect(timing == nil)
        #expect(defaultSteps.allSatisfy { $0 == timescale / 25 }, "\(Set(defaultSteps)) at \(timescale)")
        let (steps, _, _) = try Self.steps("novui.h264", framerate: 50)
        #expect(steps.allSatisfy { $0 == timescale / 50 }, "\(Set(steps)) at \(timescale)")
    }
}
