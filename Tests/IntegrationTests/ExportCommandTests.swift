import Foundation
import TestSupport
import Testing

/// `hlsseg export` end to end: the built binary on ffmpeg-made inputs, its MP4s judged by
/// ffprobe and ffmpeg (box order, a clean decode, packets equal to the source's, A/V offset).
@Suite("hlsseg export", .timeLimit(.minutes(10)))
struct ExportCommandTests {
    /// One stream of a source and how its packets are compared (see `SegmentCase.PayloadCheck`).
    struct Reference: Sendable {
        var url: URL
        var kind: StreamKind
        var check: SegmentCase.PayloadCheck
        /// The source's packets appear this many times in a row (a recording of two runs).
        var repeats = 1
    }

    @Test("H.264 with B-frames + AAC (an MP4 input, segmented first)")
    func bFramesAndAAC() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        try await Self.expectWholeExport(source.path, out: try Self.output("bframes"), source: source)
    }

    @Test("video only, 60 fps")
    func videoOnly() async throws {
        let source = try await FixtureStore.shared.url(.videoOnly60fps)
        let out = try Self.output("video-60")
        try await Self.expectExport([source.path], out: out, references: [Reference(url: source, kind: .video, check: .bytes)])
        #expect(try await Probe.packetCounts(out)[.audio] == nil)
    }

    @Test("audio only, ADTS")
    func audioOnly() async throws {
        let source = try await FixtureStore.shared.url(.adtsAudio)
        let out = try Self.output("adts")
        try await Self.expectExport([source.path], out: out, references: [Reference(url: source, kind: .audio, check: .decoded)])
    }

    @Test("raw .h264 + .aac with --shortest")
    func rawStreams() async throws {
        let video = try await FixtureStore.shared.url(.baselineAnnexB)
        let audio = try await FixtureStore.shared.url(.adtsAudio)
        let out = try Self.output("raw")
        // --shortest ends the audio with the video: the reference is what `hlsseg segment`
        // keeps of the same inputs, itself the first packets of each source.
        let segmented = out.deletingLastPathComponent().appendingPathComponent("segmented", isDirectory: true)
        let made = try await runSegment(
            inputs: [video, audio], outputDirectory: segmented, arguments: ["--shortest", "--framerate", "30"])
        try #require(made.succeeded, "\(made.summary)")
        let playlist = segmented.appendingPathComponent("index.m3u8")
        for (source, kind) in [(video, StreamKind.video), (audio, .audio)] {
            let kept = try await Self.packets(playlist, kind, .decoded)
            let all = try await Self.packets(source, kind, .decoded)
            #expect(!kept.isEmpty && Array(all.prefix(kept.count)) == kept, "\(kind): segmenting kept \(kept.count) of \(all.count)")
        }
        try await Self.expectExport(
            [video.path, audio.path], out: out, arguments: ["--shortest", "--framerate", "30"],
            references: [Reference(url: playlist, kind: .video, check: .decoded), Reference(url: playlist, kind: .audio, check: .decoded)])
    }

    @Test("our playlist with a reconnect (two runs, append_list: EXT-X-DISCONTINUITY)")
    func reconnect() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("export/reconnect")
        let stream = directory.appendingPathComponent("stream", isDirectory: true)
        for flags in [["--hls-playlist-type", "event"], ["--hls-playlist-type", "event", "--hls-flags", "append_list"]] {
            let run = try await runSegment(inputs: [source], outputDirectory: stream, arguments: flags)
            try #require(run.succeeded, "\(run.summary)")
        }
        let playlist = try String(contentsOf: stream.appendingPathComponent("index.m3u8"), encoding: .utf8)
        try #require(playlist.contains("#EXT-X-DISCONTINUITY"), "\(playlist)")
        let out = directory.appendingPathComponent("out.mp4")
        try await Self.expectExport(
            [stream.path], out: out,
            references: [
                Reference(url: source, kind: .video, check: .bytes, repeats: 2),
                Reference(url: source, kind: .audio, check: .bytes, repeats: 2),
            ])
        let duration = try await Self.formatDuration(out)
        #expect(abs(duration - 20) < 0.1, "two 10-s runs joined without a hole: \(duration) s")
    }

    @Test("FFmpeg's own fMP4 HLS output")
    func ffmpegPlaylist() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("export/ffmpeg-hls")
        let playlist = try await Probe.ffmpegHLS(of: source, in: directory)
        try await Self.expectWholeExport(playlist.path, out: directory.appendingPathComponent("out.mp4"), source: source)
    }

    @Test("a START inside the first segment, whose EXTINF counts the AAC priming frame: END - START presented")
    func startInTheFirstSegment() async throws {
        let source = try await FixtureStore.shared.url(.thirtySeconds)
        for (start, end) in [(1.5, 20.0), (0.5, 10.0), (2.5, 20.0)] {
            let out = try Self.output("first-segment-\(start)")
            let result = try await Self.runExport([source.path], out: out, arguments: ["--start", "\(start)", "--end", "\(end)"])
            try #require(result.succeeded, "\(result.summary)")
            let duration = try await Self.formatDuration(out)
            #expect(abs(duration - (end - start)) < 0.002, "--start \(start) --end \(end): \(duration) s presented")
        }
    }

    @Test("mid-GOP start: --start 7.3 --end 18 starts on the keyframe at 6.0, presentation from 7.3")
    func midGOPStart() async throws {
        let source = try await FixtureStore.shared.url(.thirtySeconds)
        let out = try Self.output("mid-gop")
        let result = try await Self.runExport([source.path], out: out, arguments: ["--start", "7.3", "--end", "18"])
        try #require(result.succeeded, "\(result.summary)")
        let decode = try await Probe.decode(out)
        #expect(decode.stderr.isEmpty, "\(decode.summary)")
        // The first video packet is the source's keyframe at 6.0 s.
        let sourceVideo = try await Self.packets(source, .video, .bytes)
        let outVideo = try await Self.packets(out, .video, .bytes)
        let sourceTimes = try await Probe.presentationTimes(source, .video)
        let keyframeAt6 = try #require(sourceTimes.firstIndex { abs(($0 ?? -1) - 6.0) < 0.001 })
        #expect(outVideo.first == sourceVideo[keyframeAt6])
        #expect(try await Probe.videoPacketFlags(out).first?.hasPrefix("K") == true)
        // The edit list starts presentation 1.3 s after the keyframe: ffmpeg's mov demuxer,
        // which applies it, presents the keyframe at -1.3 s; 10.7 s are presented.
        let keyframeTime = try #require(try await Probe.presentationTimes(out, .video).first ?? nil)
        #expect(abs(keyframeTime + 1.3) < 0.002, "keyframe presented at \(keyframeTime) s")
        let duration = try await Self.formatDuration(out)
        #expect(abs(duration - 10.7) < 0.03, "duration \(duration)")
    }

    @Test("--max-duration 10 and --max-size over 30 s: parts within the limit, on keyframes, all samples once")
    func limits() async throws {
        let source = try await FixtureStore.shared.url(.thirtySeconds)
        let sourceSize = try Self.size(source)
        for (name, arguments) in [("duration", ["--max-duration", "10"]), ("size", ["--max-size", String(sourceSize / 3)])] {
            let out = try Self.output("limit-" + name)
            let result = try await Self.runExport([source.path], out: out, arguments: arguments)
            try #require(result.succeeded, "\(result.summary)")
            let folder = out.deletingLastPathComponent()
            let parts = (1...20).map { folder.appendingPathComponent("out_\($0).mp4") }.filter {
                FileManager.default.fileExists(atPath: $0.path)
            }
            #expect(parts.count >= 3, "\(name): \(parts.map(\.lastPathComponent))")
            #expect(!FileManager.default.fileExists(atPath: out.path))
            var video: [String] = []
            var audio: [String] = []
            for part in parts {
                if name == "duration" {
                    let duration = try await Self.formatDuration(part)
                    #expect(duration <= 10.001, "\(part.lastPathComponent): \(duration) s")
                } else {
                    #expect(try Self.size(part) <= sourceSize / 3, "\(part.lastPathComponent)")
                }
                #expect(try await Probe.videoPacketFlags(part).first?.hasPrefix("K") == true, "\(part.lastPathComponent)")
                video += try await Self.packets(part, .video, .bytes)
                audio += try await Self.packets(part, .audio, .bytes)
            }
            #expect(video == (try await Self.packets(source, .video, .bytes)), "\(name): video packets")
            #expect(audio == (try await Self.packets(source, .audio, .bytes)), "\(name): audio packets")
        }
    }

    // MARK: - Refused inputs

    @Test("a range outside the recording")
    func outsideRange() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        try await Self.expectRefusal([source.path], "outside", arguments: ["--start", "100"], mentions: "outside")
    }

    @Test("an input with no keyframe")
    func noKeyframe() async throws {
        let source = try await FixtureStore.shared.url(.longGOP)
        let directory = try TestScratch.directory("export/no-keyframe")
        let stream = directory.appendingPathComponent("stream", isDirectory: true)
        let run = try await runSegment(
            inputs: [source], outputDirectory: stream,
            arguments: ["--hls-time", "1", "--hls-playlist-type", "vod", "--hls-flags", "split_by_time"])
        try #require(run.succeeded, "\(run.summary)")
        // Segments 1–3 (1 to 4 s) hold no keyframe: the 5-s GOP's keyframes are at 0 and 5 s.
        let lines =
            ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-TARGETDURATION:1", "#EXT-X-MAP:URI=\"init.mp4\""]
            + (1...3).flatMap { ["#EXTINF:1.0,", "seg\($0).m4s"] } + ["#EXT-X-ENDLIST"]
        let playlist = stream.appendingPathComponent("middle.m3u8")
        try lines.joined(separator: "\n").write(to: playlist, atomically: true, encoding: .utf8)
        try await Self.expectRefusal([playlist.path], "no-keyframe", mentions: "keyframe")
    }

    @Test("a playlist of MPEG-TS segments")
    func mpegTSPlaylist() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("export/mpegts")
        let playlist = directory.appendingPathComponent("index.m3u8")
        try await Probe.ffmpegMake([
            "-i", source.path, "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", playlist.path,
        ])
        try await Self.expectRefusal([playlist.path], "mpegts", mentions: "MPEG-TS")
    }

    @Test("an unwritable output")
    func unwritableOutput() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("export/unwritable")
        let blocker = directory.appendingPathComponent("blocker")
        try Data("a regular file\n".utf8).write(to: blocker)
        let out = blocker.appendingPathComponent("out.mp4")
        let result = try await Self.runExport([source.path], out: out)
        Self.expectOneErrorLine(result, mentions: "blocker")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["blocker"])
    }

    // MARK: - Helpers

    static func output(_ name: String) throws -> URL {
        try TestScratch.directory("export/" + name).appendingPathComponent("out.mp4")
    }

    static func runExport(_ inputs: [String], out: URL, arguments: [String] = []) async throws -> ProcessOutput {
        try await Subprocess.run(try Tools.hlsseg(), ["export"] + inputs + ["-o", out.path] + arguments, timeout: .seconds(180))
    }

    /// Exports `inputs` whole and checks the file: moov before mdat, a clean decode, and each
    /// stream's packets equal to the source's.
    static func expectExport(_ inputs: [String], out: URL, arguments: [String] = [], references: [Reference]) async throws {
        let result = try await runExport(inputs, out: out, arguments: arguments)
        try #require(result.succeeded, "\(result.summary)")
        #expect(result.stderrLines.isEmpty, "\(result.summary)")
        let order = try await topLevelBoxes(out)
        let moov = try #require(order.firstIndex(of: "moov"), "boxes \(order)")
        let mdat = try #require(order.firstIndex(of: "mdat"), "boxes \(order)")
        #expect(moov < mdat, "moov must come before mdat: \(order)")
        let decode = try await Probe.decode(out)
        #expect(decode.stderr.isEmpty, "\(decode.summary)")
        for reference in references {
            let expected = Array(repeating: try await packets(reference.url, reference.kind, reference.check), count: reference.repeats)
                .flatMap { $0 }
            let actual = try await packets(out, reference.kind, reference.check)
            #expect(actual.count == expected.count, "\(reference.kind) packets: \(actual.count) vs source \(expected.count)")
            #expect(actual == expected, "\(reference.kind): framemd5 (size, md5) differs from the source's")
        }
    }

    /// `input` exported whole: every video and audio packet the source's, their offset kept.
    static func expectWholeExport(_ input: String, out: URL, source: URL) async throws {
        try await expectExport(
            [input], out: out,
            references: [Reference(url: source, kind: .video, check: .bytes), Reference(url: source, kind: .audio, check: .bytes)])
        try await expectOffsetKept(out, source: source)
    }

    /// The first video and the first audio presentation times keep the source's offset within one AAC frame.
    static func expectOffsetKept(_ out: URL, source: URL) async throws {
        func offset(_ url: URL) async throws -> Double {
            let video = try #require(try await Probe.presentationTimes(url, .video).compactMap { $0 }.min())
            let audio = try #require(try await Probe.presentationTimes(url, .audio).compactMap { $0 }.min())
            return video - audio
        }
        let (exported, original) = (try await offset(out), try await offset(source))
        #expect(abs(exported - original) <= 1024 / 48_000.0 + 0.001, "A/V offset \(exported) s vs source \(original) s")
    }

    /// "size, md5" of every packet (`-c copy`) or decoded frame of the first stream of `kind`.
    static func packets(_ url: URL, _ kind: StreamKind, _ check: SegmentCase.PayloadCheck) async throws -> [String] {
        var arguments = ["-nostdin", "-hide_banner", "-v", "error", "-i", url.path, "-map", kind.mapSpecifier]
        arguments += check == .bytes ? ["-c", "copy"] : (kind == .video ? ["-fps_mode", "passthrough"] : [])
        arguments += ["-f", "framemd5", "-"]
        let result = try await Subprocess.run(try Tools.ffmpeg(), arguments, timeout: .seconds(120))
        guard result.succeeded else { throw HarnessError("framemd5 failed:\n\(result.summary)") }
        return result.stdout.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.compactMap { line in
            let columns = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return columns.count > 5 ? columns[4] + "," + columns[5] : nil
        }
    }

    /// The top-level boxes as ffprobe's mov demuxer reads them (`-v trace`), in file order.
    static func topLevelBoxes(_ url: URL) async throws -> [String] {
        let result = try await Subprocess.run(try Tools.ffprobe(), ["-v", "trace", url.path], timeout: .seconds(60))
        return result.stderr.split(whereSeparator: \.isNewline).compactMap { line in
            guard line.contains("parent:'root'"), let start = line.range(of: "type:'") else { return nil }
            return String(line[start.upperBound...].prefix(4))
        }
    }

    static func formatDuration(_ url: URL) async throws -> Double {
        let result = try await Subprocess.run(
            try Tools.ffprobe(), ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url.path], timeout: .seconds(60))
        return try #require(Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result.summary)")
    }

    static func size(_ url: URL) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.uint64Value ?? 0
    }

    static func expectRefusal(_ inputs: [String], _ name: String, arguments: [String] = [], mentions: String) async throws {
        let out = try output("refused-" + name)
        let result = try await runExport(inputs, out: out, arguments: arguments)
        expectOneErrorLine(result, mentions: mentions)
        let left = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(left.isEmpty, "nothing may be left beside OUT: \(left)")
    }

    static func expectOneErrorLine(_ result: ProcessOutput, mentions: String) {
        #expect(!result.timedOut && result.status != 0, "must exit non-zero:\n\(result.summary)")
        #expect(result.stderrLines.count == 1, "want exactly one line on stderr:\n\(result.summary)")
        let line = result.stderrLines.first ?? ""
        #expect(line.hasPrefix("hlsseg: error:"), "\(result.summary)")
        #expect(line.localizedCaseInsensitiveContains(mentions), "stderr should mention \(mentions):\n\(result.summary)")
    }
}
