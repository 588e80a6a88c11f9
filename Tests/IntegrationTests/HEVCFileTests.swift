import Foundation
import Segmenter
import TestSupport
import Testing

/// HEVC (H.265) files end to end: libx265 output in MP4 (`hvc1` and `hev1`), MPEG-TS, Matroska
/// and raw `.hevc`, with B-frames, through `hlsseg segment`, judged by ffmpeg/ffprobe and by the
/// Segmenter's own init-segment parser.
@Suite("HEVC files", .timeLimit(.minutes(10)))
struct HEVCFileTests {
    static let cases: [SegmentCase] = [
        SegmentCase(
            name: "HEVC hvc1 MP4 + AAC", inputs: [.hevcHVC1], arguments: SegmentCase.vod,
            video: (.hevcHVC1, .bytes, 30), audio: (.hevcHVC1, .bytes, 48_000), mediaDuration: 4, expectedDurations: [2, 2],
            playlistType: "VOD"),
        SegmentCase(
            name: "HEVC hev1 MP4 (parameter sets in band) + AAC", inputs: [.hevcHEV1], arguments: SegmentCase.vod,
            video: (.hevcHEV1, .decoded, 30), audio: (.hevcHEV1, .bytes, 48_000), mediaDuration: 4, expectedDurations: [2, 2],
            playlistType: "VOD"),
        SegmentCase(
            name: "HEVC in MPEG-TS + ADTS", inputs: [.hevcTS], arguments: SegmentCase.vod,
            video: (.hevcTS, .decoded, 30), audio: (.hevcTS, .decoded, 48_000), mediaDuration: 4, expectedDurations: [2, 2],
            playlistType: "VOD"),
        SegmentCase(
            name: "HEVC in Matroska + AAC", inputs: [.hevcMKV], arguments: SegmentCase.vod,
            video: (.hevcMKV, .bytes, 30), audio: (.hevcMKV, .bytes, 48_000), mediaDuration: 4, expectedDurations: [2, 2],
            playlistType: "VOD"),
        SegmentCase(
            name: "HEVC raw Annex-B .hevc", inputs: [.hevcRaw], arguments: SegmentCase.vod + ["--framerate", "30"],
            video: (.hevcRaw, .decoded, 30), audio: nil, mediaDuration: 4, expectedDurations: [2, 2], playlistType: "VOD"),
    ]

    @Test("exits 0 with nothing on stderr", arguments: cases)
    func cleanRun(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        #expect(run.process.stderrLines.isEmpty, "\(run.process.summary)")
        #expect(run.playlist.entries.count == testCase.expectedDurations?.count, "\(run.playlist.text)")
    }

    @Test("ffmpeg decodes the playlist and init+segments with no error line", arguments: cases)
    func decodes(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        for url in [run.playlistURL, run.concatenated] {
            let decoded = try await Probe.decode(url)
            #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(url.lastPathComponent): \(decoded.summary)")
        }
    }

    @Test("framemd5 equals the source's, packet for packet", arguments: cases)
    func packetsMatchSource(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let streams = [
            testCase.video.map { (StreamKind.video, $0.fixture, $0.check) }, testCase.audio.map { (.audio, $0.fixture, $0.check) },
        ]
        .compactMap { $0 }
        for (kind, fixture, check) in streams {
            let source = try await FixtureStore.shared.url(fixture)
            let wanted = try await Probe.frameHashes(source, kind, decoded: check == .decoded)
            let got = try await Probe.frameHashes(run.playlistURL, kind, decoded: check == .decoded)
            #expect(!wanted.isEmpty)
            #expect(got == wanted, "\(kind): source \(wanted.count), output \(got.count)")
        }
    }

    @Test("the init's hvc1/hvcC holds the VPS, SPS and PPS; no sample carries them", arguments: cases)
    func initHoldsParameterSets(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let bytes = [UInt8](try Data(contentsOf: run.initURL))
        let movie = try InitSegment.movie(parsing: bytes)
        let entry = try #require(movie.tracks.first?.media.information.sampleTable.sampleDescription.entries.first)
        guard case .hevc(let sampleEntry) = entry else {
            Issue.record("the video sample entry is not hvc1/hev1: \(entry)")
            return
        }
        #expect(sampleEntry.codingName == "hvc1")
        let record = sampleEntry.configuration
        #expect(record.videoParameterSets.count == 1 && record.sequenceParameterSets.count == 1 && record.pictureParameterSets.count == 1)
        #expect(record.arrays.filter { (32...34).contains($0.type) }.allSatisfy { $0.complete })
        let sps = try record.parsedSPS()
        #expect(sps.width == 320 && sps.height == 180)
        #expect(sampleEntry.width == 320 && sampleEntry.height == 180)

        // ffprobe reads the same parameter sets back out of the init's extradata.
        let probe = try await Subprocess.run(
            try Tools.ffprobe(), ["-v", "error", "-select_streams", "v:0", "-show_streams", "-show_data", run.initURL.path],
            timeout: .seconds(60))
        #expect(probe.succeeded && probe.stdout.contains("extradata_size=\(record.serialized().count)"), "\(probe.summary)")

        let fragments = try FragmentTimeline(initSegment: run.initURL, segments: run.segmentURLs)
        #expect(fragments.track(.video)?.samples.isEmpty == false)
        for segment in run.segmentURLs {
            let data = [UInt8](try Data(contentsOf: segment))
            for parameterSet in record.videoParameterSets + record.sequenceParameterSets + record.pictureParameterSets {
                #expect(!Self.contains(data, parameterSet), "\(segment.lastPathComponent) carries a parameter set in band")
            }
        }
    }

    @Test("CODECS agrees with ffprobe's profile and level", arguments: cases)
    func codecsAgreeWithFFprobe(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let tracks = try InitSegment.tracks(parsing: [UInt8](try Data(contentsOf: run.initURL)))
        let codecs = try #require(tracks.first { $0.format.isVideo }).format.codecs
        let source = try await FixtureStore.shared.url(testCase.inputs[0])
        let probe = try await Subprocess.run(
            try Tools.ffprobe(),
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=profile,level", "-of", "default=nw=1", source.path],
            timeout: .seconds(60))
        #expect(probe.succeeded, "\(probe.summary)")
        #expect(probe.stdout.contains("profile=Main\n") && probe.stdout.contains("level=60"), "\(probe.stdout)")
        // Main profile (1), compatible with Main and Main 10 (flags 1 and 2: 6), Main tier level
        // 60 (2.0), progressive and frame-only (0x90).
        #expect(codecs == "hvc1.1.6.L60.90")
    }

    @Test(
        "a truncated MPEG-TS or raw .hevc: its cut-off last frame is found with the HEVC decoder and dropped, the rest plays",
        arguments: [Fixture.hevcTS, .hevcRaw])
    func truncated(_ fixture: Fixture) async throws {
        let source = try await FixtureStore.shared.url(fixture)
        let directory = try TestScratch.directory("hevc-truncated-\(fixture.rawValue)")
        let cut = directory.appendingPathComponent("cut-" + fixture.rawValue)
        let bytes = try Data(contentsOf: source)
        try bytes.prefix(bytes.count * 6 / 10).write(to: cut)
        let output = directory.appendingPathComponent("out", isDirectory: true)
        let made = try await runSegment(inputs: [cut], outputDirectory: output, arguments: SegmentCase.vod + ["--framerate", "30"])
        #expect(made.succeeded, "\(made.summary)")
        #expect(made.stderrLines.count == 1 && made.stderr.contains("incomplete video frame"), "\(made.summary)")
        let decoded = try await Probe.decode(output.appendingPathComponent("index.m3u8"))
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
    }

    @Test("hlsseg serve lists the stream's CODECS in /api/streams")
    func apiStreams() async throws {
        let source = try await FixtureStore.shared.url(.hevcTS)
        let directory = try TestScratch.directory("hevc-api")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let made = try await runSegment(inputs: [source], outputDirectory: root.appendingPathComponent("cam"), arguments: SegmentCase.vod)
        try #require(made.succeeded, "\(made.summary)")
        let port = try freeLoopbackPort()
        let server = try ServeProcess.start(
            ["serve", "--root", root.path, "--http-port", "\(port)", "--no-rtmp", "--log-level", "warning"],
            log: directory.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await waitUntil("the HTTP port accepts connections", seconds: 30) { canConnect(port: port) }
        let answer = try HTTPExchange.send(port: port, path: "/api/streams/cam")
        #expect(answer.status == 200, "\(answer.status) \(answer.text)")
        #expect(answer.text.contains(#""codecs":["hvc1.1.6.L60.90","mp4a.40.2"]"#), "\(answer.text)")
    }

    @Test("hlsseg export of an HEVC recording decodes cleanly, packets equal to the HLS")
    func export() async throws {
        let run = try await SegmentRuns.shared.run(Self.cases[0])
        let out = try TestScratch.directory("export/hevc").appendingPathComponent("out.mp4")
        let result = try await Subprocess.run(
            try Tools.hlsseg(), ["export", run.playlistURL.path, "-o", out.path], timeout: .seconds(120))
        try #require(result.succeeded, "\(result.summary)")
        #expect(result.stderrLines.isEmpty, "\(result.summary)")
        let decoded = try await Probe.decode(out)
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
        let tag = try await Subprocess.run(
            try Tools.ffprobe(),
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_tag_string", "-of", "csv=p=0", out.path],
            timeout: .seconds(60))
        #expect(tag.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "hvc1", "\(tag.summary)")
        for kind in StreamKind.allCases {
            let wanted = try await Probe.frameHashes(run.playlistURL, kind, decoded: false)
            let got = try await Probe.frameHashes(out, kind, decoded: false)
            #expect(!wanted.isEmpty && got == wanted, "\(kind): HLS \(wanted.count), export \(got.count)")
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<start + needle.count].elementsEqual(needle) }
    }
}
