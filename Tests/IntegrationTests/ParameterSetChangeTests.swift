import Foundation
import Segmenter
import TestSupport
import Testing

/// Video whose parameter sets change mid-file: two clips of different sizes joined as raw
/// Annex-B (`cat a.hevc b.hevc`) or as MPEG-TS (ffmpeg's concat demuxer), made with Debian's
/// ffmpeg. `hlsseg segment` starts a new init segment after `#EXT-X-DISCONTINUITY` where the
/// new SPS takes effect, its timestamps going on; parameter sets that only repeat the track's
/// make no new init.
@Suite("Parameter sets that change mid-file", .timeLimit(.minutes(5)))
struct ParameterSetChangeTests {
    struct Input: Sendable, CustomTestStringConvertible {
        var file: String
        /// ffmpeg arguments making one part at `size` from a lavfi `source`.
        var encode: @Sendable (_ source: String, _ size: String, _ tone: Int, _ output: String) -> [String]
        /// Joins the parts into `file` (in the same folder).
        var join: @Sendable (_ parts: [URL], _ output: URL) async throws -> Void
        var hasAudio: Bool

        var testDescription: String { file }
    }

    static let sizes = [(320, 240), (240, 180)]

    static func x265(_ extra: String = "") -> [String] {
        ["-c:v", "libx265", "-x265-params", "log-level=error:keyint=25" + extra, "-bf", "2"]
    }

    static let inputs: [Input] = [
        Input(
            file: "joined.hevc",
            encode: { source, size, _, output in
                ["-f", "lavfi", "-i", "\(source)=size=\(size):rate=25:duration=2", "-pix_fmt", "yuv420p"] + x265() + [output]
            },
            join: { parts, output in try concatenate(parts, into: output) }, hasAudio: false),
        Input(
            file: "joined.h264",
            encode: { source, size, _, output in
                [
                    "-f", "lavfi", "-i", "\(source)=size=\(size):rate=25:duration=2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-g", "25",
                    "-bf", "0", output,
                ]
            },
            join: { parts, output in try concatenate(parts, into: output) }, hasAudio: false),
        Input(
            file: "joined.ts",
            encode: { source, size, tone, output in
                [
                    "-f", "lavfi", "-i", "\(source)=size=\(size):rate=25:duration=2", "-f", "lavfi", "-i",
                    "sine=frequency=\(tone):sample_rate=48000:duration=2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-g", "25",
                    "-c:a", "aac", "-f", "mpegts", output,
                ]
            },
            join: { parts, output in
                let list = output.deletingLastPathComponent().appendingPathComponent("parts.txt")
                try parts.map { "file '\($0.path)'\n" }.joined().write(to: list, atomically: true, encoding: .utf8)
                try await Probe.ffmpegMake(["-f", "concat", "-safe", "0", "-i", list.path, "-c", "copy", "-f", "mpegts", output.path])
            }, hasAudio: true),
    ]

    /// Makes `input` in a folder of its own (`test` names the test: tests run concurrently).
    static func make(_ input: Input, for test: String) async throws -> (source: URL, out: URL) {
        let folder = try TestScratch.directory("parameter-set-change/\(test)/" + input.file)
        var parts: [URL] = []
        for (index, (width, height)) in sizes.enumerated() {
            let part = folder.appendingPathComponent("part\(index)." + (input.file as NSString).pathExtension)
            try await Probe.ffmpegMake(
                input.encode(index == 0 ? "testsrc2" : "testsrc", "\(width)x\(height)", 440 * (index + 1), part.path))
            parts.append(part)
        }
        let source = folder.appendingPathComponent(input.file)
        try await input.join(parts, source)
        return (source, folder.appendingPathComponent("out", isDirectory: true))
    }

    @Test("a new init after a discontinuity where the SPS changes; ffmpeg decodes every frame as from the source", arguments: inputs)
    func newInitWhereTheSPSChanges(_ input: Input) async throws {
        let (source, out) = try await Self.make(input, for: "new-init")
        let run = try await runSegment(inputs: [source], outputDirectory: out, arguments: [])
        #expect(run.succeeded, "\(run.summary)")
        let text = try String(contentsOf: out.appendingPathComponent("index.m3u8"), encoding: .utf8)
        let playlist = try PlaylistFile(text: text)
        #expect(playlist.mapURIs == ["init.mp4", "init_1.mp4"], "\(text)")
        #expect(text.components(separatedBy: "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init_1.mp4\"").count == 2, "\(text)")
        #expect(playlist.targetDuration == 2, "\(text)")

        // Each init describes its part: the size from its SPS, the audio track in both.
        for (name, (width, height)) in zip(playlist.mapURIs, Self.sizes) {
            let movie = try InitSegment.movie(parsing: [UInt8](try Data(contentsOf: out.appendingPathComponent(name))))
            let entry = try #require(movie.tracks.first?.media.information.sampleTable.sampleDescription.entries.first)
            let size: (Int, Int)? =
                switch entry {
                case .avc(let avc): (try? avc.configuration.parsedSPS()).map { ($0.width, $0.height) }
                case .hevc(let hevc): (try? hevc.configuration.parsedSPS()).map { ($0.width, $0.height) }
                default: nil
                }
            #expect(size.map { $0 == (width, height) } == true, "\(name): \(String(describing: size))")
            #expect(movie.tracks.count == (input.hasAudio ? 2 : 1), "\(name)")
        }

        // Decoded frames, hashes and timestamps, equal the source's: the timeline goes on.
        let wanted = try await Probe.frameHashes(source, .video, decoded: true)
        let got = try await Probe.frameHashes(out.appendingPathComponent("index.m3u8"), .video, decoded: true)
        #expect(wanted.count == 100)
        #expect(got == wanted, "source \(wanted.count) frames, output \(got.count)")
        let times = try await Probe.presentationTimes(out.appendingPathComponent("index.m3u8"), .video).compactMap { $0 }
        #expect(times.count == 100 && times.sorted().last! > 3.9, "\(times)")
        let decoded = try await Probe.decode(out.appendingPathComponent("index.m3u8"))
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
    }

    @Test("parameter sets repeated at every keyframe make no new init")
    func repeatedParameterSetsKeepOneInit() async throws {
        let folder = try TestScratch.directory("parameter-set-change/repeated")
        let source = folder.appendingPathComponent("repeated.hevc")
        try await Probe.ffmpegMake(
            ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-pix_fmt", "yuv420p"] + Self.x265(":repeat-headers=1")
                + [source.path])
        let out = folder.appendingPathComponent("out", isDirectory: true)
        let run = try await runSegment(inputs: [source], outputDirectory: out, arguments: [])
        #expect(run.succeeded && run.stderrLines.isEmpty, "\(run.summary)")
        let text = try String(contentsOf: out.appendingPathComponent("index.m3u8"), encoding: .utf8)
        #expect(try PlaylistFile(text: text).mapURIs == ["init.mp4"], "\(text)")
        #expect(!text.contains("#EXT-X-DISCONTINUITY"), "\(text)")
    }

    @Test("-master_pl_name: the multivariant playlist names every CODECS of both inits and the largest size; ffmpeg plays it")
    func multivariantPlaylistCoversBothConfigurations() async throws {
        let input = try #require(Self.inputs.first { $0.file == "joined.ts" })
        let (source, out) = try await Self.make(input, for: "multivariant")
        let run = try await runSegment(inputs: [source], outputDirectory: out, arguments: ["-master_pl_name", "master.m3u8"])
        #expect(run.succeeded, "\(run.summary)")
        let text = try String(contentsOf: out.appendingPathComponent("master.m3u8"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.last == "index.m3u8", "\(text)")
        let info = try #require(lines.first { $0.hasPrefix("#EXT-X-STREAM-INF:") }, "\(text)")
        #expect(info.contains("RESOLUTION=320x240"), "\(info)")
        let codecs = try #require(info.split(separator: "\"").dropFirst().first).split(separator: ",").map(String.init)
        #expect(codecs.filter { $0.hasPrefix("avc1.") }.count == 2 && codecs.contains("mp4a.40.2"), "\(info)")
        let decoded = try await Probe.decode(out.appendingPathComponent("master.m3u8"))
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
    }
}
