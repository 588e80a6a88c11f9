import Foundation
import TestSupport
import Testing

/// H.265 over WebSocket frame ingest (codec byte 1), end to end: a libx265 clip with B-frames is
/// sent one access unit per message and the HLS is checked with ffmpeg.
@Suite("Live WebSocket ingest of H.265", .serialized, .timeLimit(.minutes(3)))
struct LiveWebSocketHEVCTests {
    /// 2 s 320×180 50 fps libx265 (3 B-frames, keyint 25: keyframes every 0.5 s) in mp4 (`hvc1`);
    /// made once per run. The SPS's VUI timing says 50 fps.
    static let directory: Result<String, any Error> = Result {
        let directory = try TestScratch.directory("live-fixtures-hevc").path
        let result = try LiveFixtures.runSync(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=50", "-frames:v", "100",
                "-c:v", "libx265", "-x265-params", "log-level=error:bframes=3:keyint=25", "-tag:v", "hvc1",
                directory + "/hevc.mp4",
            ])
        guard result.status == 0 else {
            throw LiveFixtures.Failure(description: "H.265 fixture (needs Debian's ffmpeg with libx265): \(result.stderr)")
        }
        return directory
    }

    static var fixture: String { get throws { try directory.get() + "/hevc.mp4" } }

    /// Splits the clip into access units and sends each as one H.265 frame message, with the
    /// WebSocket client of tools/ws-frame-sender.py. The packets come from ffmpeg's `data`
    /// muxer (the mp4's samples back to back: 4-byte length-prefixed NAL units) cut at the
    /// sizes ffprobe lists, and are rewritten as Annex-B; the VPS/SPS/PPS come from the first
    /// access unit through `hevc_mp4toannexb`.
    /// - `timestamps`: a config message with the parameter sets first, then every frame with
    ///   its pts/dts, as fast as the socket takes them.
    /// - `none`: the parameter sets in band before the first keyframe, no timestamps, one frame
    ///   every 1/45 s: not at the SPS's 50 fps, so that a grid at 50 fps shows the VUI rate was
    ///   used, not the arrivals' (within 15 % of it and less than a second of drift over 2 s,
    ///   the VUI rate stands).
    static let script = #"""
        import importlib.util, subprocess, sys, time
        sender_path, clip, url, mode = sys.argv[1:5]
        spec = importlib.util.spec_from_file_location("sender", sender_path)
        sender = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sender)

        def run(arguments):
            return subprocess.run(arguments, capture_output=True, check=True).stdout

        rows = run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                    "packet=pts_time,dts_time,size,flags", "-of", "csv=p=0", clip]).decode().split()
        data = run(["ffmpeg", "-v", "error", "-i", clip, "-map", "0:v", "-c", "copy", "-f", "data", "-"])
        first = run(["ffmpeg", "-v", "error", "-i", clip, "-map", "0:v", "-c", "copy", "-bsf:v", "hevc_mp4toannexb",
                     "-frames:v", "1", "-f", "hevc", "-"])
        parameter_sets = b"".join(b"\0\0\0\1" + unit.rstrip(b"\0") for unit in first.split(b"\0\0\1")
                                  if unit and (unit[0] >> 1) & 0x3F in (32, 33, 34))
        assert parameter_sets.count(b"\0\0\0\1") == 3, "VPS, SPS and PPS"

        def annex_b(sample):
            out, index = b"", 0
            while index < len(sample):
                length = int.from_bytes(sample[index:index + 4], "big")
                out += b"\0\0\0\1" + sample[index + 4:index + 4 + length]
                index += 4 + length
            return out

        socket = sender.WebSocket(url)
        HEVC = 1
        if mode == "timestamps":
            socket.send(sender.frame_message(sender.VIDEO, sender.CONFIG | sender.TIMESTAMPS, 0, 0, parameter_sets, HEVC))
        offset, start = 0, time.monotonic()
        for index, row in enumerate(rows):
            pts, dts, size, flags = row.split(",")
            sample, offset = data[offset:offset + int(size)], offset + int(size)
            keyframe = sender.KEYFRAME if "K" in flags else 0
            payload = annex_b(sample)
            if mode == "timestamps":
                micro = lambda seconds: round(float(seconds) * 1e6)
                message = sender.frame_message(sender.VIDEO, keyframe | sender.TIMESTAMPS, micro(pts), micro(dts), payload, HEVC)
            else:
                time.sleep(max(0, start + index / 45 - time.monotonic()))
                payload = (parameter_sets if index == 0 else b"") + payload
                message = sender.frame_message(sender.VIDEO, keyframe, 0, 0, payload, HEVC)
            socket.send(message)
        assert offset == len(data), "every byte sent"
        socket.close()
        """#

    static func send(port: Int, stream: String, mode: String) async throws {
        let result = try await LiveFixtures.run(
            "/usr/bin/python3", ["-c", script, LiveWebSocketTests.sender, try fixture, "ws://127.0.0.1:\(port)/ingest/\(stream)", mode])
        #expect(result.status == 0, "sender: \(result.stderr)")
    }

    /// ffmpeg decodes the stream with no error line, its packets are the clip's byte for byte,
    /// and /api/streams lists its CODECS.
    static func checkPlayable(port: Int, root: String, stream: String) async throws -> String {
        let playlist = "\(root)/\(stream)/index.m3u8"
        #expect(await waitUntil(seconds: 15) { LiveFixtures.read(playlist)?.contains("#EXT-X-ENDLIST") == true })
        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", playlist, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
        let sent = try await LiveFixtures.packetHashes(try fixture)
        let received = try await LiveFixtures.packetHashes(playlist)
        #expect(received[0]?.count == sent[0]?.count, "frames: \(received[0]?.count ?? 0) of \(sent[0]?.count ?? 0)")
        #expect(received[0] == sent[0], "video frames differ")
        let api = try await LiveFixtures.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/api/streams/\(stream)"])
        // libx265's Main profile at level 2 (ffprobe: profile Main, level 60) for 320×180.
        #expect(api.stdout.contains(#""codecs":["hvc1.1.6.L60.90"]"#), "\(api.stdout)")
        return playlist
    }

    @Test("with timestamps: every frame byte for byte, ffmpeg decodes it, CODECS hvc1 in /api/streams")
    func withTimestamps() async throws {
        try await LiveWebSocketTests.withServer { port, root in
            try await Self.send(port: port, stream: "hevc", mode: "timestamps")
            let playlist = try await Self.checkPlayable(port: port, root: root, stream: "hevc")
            // The clip's own timestamps: 100 frames at 50 fps.
            let duration = try await LiveFixtures.run(
                "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", playlist])
            let seconds = Double(duration.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(abs(seconds - 2) < 0.05, "duration \(seconds)")
        }
    }

    @Test("without timestamps: in-band parameter sets, frames on the SPS's 50 fps grid though they come at 45 fps")
    func withoutTimestamps() async throws {
        try await LiveWebSocketTests.withServer { port, root in
            try await Self.send(port: port, stream: "hevcnots", mode: "none")
            let playlist = try await Self.checkPlayable(port: port, root: root, stream: "hevcnots")
            let durations = (LiveFixtures.read(playlist) ?? "").split(separator: "\n")
                .filter { $0.hasPrefix("#EXTINF:") }
                .compactMap { Double($0.dropFirst("#EXTINF:".count).prefix { $0 != "," }) }
            #expect(!durations.isEmpty)
            // Each segment holds whole frames of 1/50 s, and the 100 frames last 2 s (at 45 fps
            // they would last 2.22 s).
            for duration in durations {
                let frames = duration * 50
                #expect(abs(frames - frames.rounded()) < 0.01, "segment of \(duration) s in \(durations)")
            }
            #expect(abs(durations.reduce(0, +) - 2) < 0.01, "\(durations)")
        }
    }

    /// Decoded video frame hashes of `input`, in order.
    static func decodedVideoHashes(_ input: String) async throws -> [Substring] {
        let output = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", input, "-map", "0:v", "-f", "framemd5", "-"])
        #expect(output.status == 0, "framemd5 of \(input): \(output.stderr)")
        return output.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: ",").last }
    }

    @Test("tools/ws-frame-sender.py sends an H.265 + AAC file: the video decodes to the source's frames, with AAC audio")
    func senderTool() async throws {
        let clip = try Self.directory.get() + "/hevc-aac.mp4"
        let made = try await LiveFixtures.run(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "3", "-pix_fmt", "yuv420p", "-c:v", "libx265", "-x265-params",
                "log-level=error:bframes=3:keyint=25", "-tag:v", "hvc1", "-c:a", "aac", clip,
            ])
        #expect(made.status == 0, "\(made.stderr)")
        try await LiveWebSocketTests.withServer { port, root in
            let sent = try await LiveFixtures.run(
                "/usr/bin/python3", [LiveWebSocketTests.sender, clip, "ws://127.0.0.1:\(port)/ingest/hevcaac"])
            #expect(sent.status == 0, "sender: \(sent.stderr)")
            let playlist = "\(root)/hevcaac/index.m3u8"
            #expect(await waitUntil(seconds: 15) { LiveFixtures.read(playlist)?.contains("#EXT-X-ENDLIST") == true })
            let decode = try await LiveFixtures.run(
                LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", playlist, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
            let source = try await Self.decodedVideoHashes(clip)
            #expect(source.count == 75)
            #expect(try await Self.decodedVideoHashes(playlist) == source)
            let streams = try await LiveFixtures.run(
                "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", playlist])
            #expect(Set(streams.stdout.split(separator: "\n")) == ["aac", "hevc"], "\(streams.stdout)")
        }
    }
}
