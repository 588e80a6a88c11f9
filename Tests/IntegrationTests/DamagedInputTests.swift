import Foundation
import TestSupport
import Testing

/// Damaged inputs: hlsseg keeps what is good, says `warning` on stderr and exits 0.
@Suite("hlsseg segment: damaged inputs", .timeLimit(.minutes(10)))
struct DamagedInputTests {
    @Test(
        "truncated at 60 %: exit 0, warning, listed segments exist and decode",
        arguments: [Fixture.truncatedMP4, .truncatedTS])
    func truncated(_ fixture: Fixture) async throws {
        let input = try await FixtureStore.shared.url(fixture)
        let directory = try TestScratch.directory("damaged-\(fixture.rawValue)")
        let out = directory.appendingPathComponent("out", isDirectory: true)

        let result = try await runSegment(inputs: [input], outputDirectory: out, arguments: SegmentCase.vod)

        #expect(result.succeeded, "a truncated input is not fatal:\n\(result.summary)")
        #expect(result.stderr.localizedCaseInsensitiveContains("warning"), "want a warning:\n\(result.summary)")
        let run = try checkListedSegmentsExist(out, result)
        // 60 % of a 10-s file holds at least two whole 2-s GOPs.
        #expect(run.playlist.entries.count >= 2, "\(run.playlist.text)")
        #expect(run.playlist.totalDuration <= 10 + 0.034, "\(run.playlist.text)")
        try await expectEverySegmentDecodes(run)
    }

    @Test("garbage NAL units mid-stream: exit 0, warning, the frames after it still there")
    func garbageInAnnexB() async throws {
        let input = try await FixtureStore.shared.url(.garbageAnnexB)
        let source = try await FixtureStore.shared.url(.baselineAnnexB)
        let directory = try TestScratch.directory("damaged-garbage")
        let out = directory.appendingPathComponent("out", isDirectory: true)

        let result = try await runSegment(
            inputs: [input], outputDirectory: out, arguments: SegmentCase.vod + ["--framerate", "30"])

        #expect(result.succeeded, "garbage mid-stream is not fatal:\n\(result.summary)")
        #expect(result.stderr.localizedCaseInsensitiveContains("warning"), "want a warning:\n\(result.summary)")
        let run = try checkListedSegmentsExist(out, result)

        let wanted = try await Probe.frameHashes(source, .video, decoded: true)
        let got = try await Probe.frameHashes(run.concatenated, .video, decoded: true)
        #expect(wanted.count == Fixture.baselineFrames)
        #expect(got.count >= wanted.count - 3, "decoded \(got.count) frames of \(wanted.count)")
        // The garbage sits just past the middle; from the next IDR (6 s) on, every frame is intact.
        let tail = 100
        #expect(Array(got.suffix(tail)) == Array(wanted.suffix(tail)), "the last \(tail) frames differ from the source")
    }

    /// Reads the playlist in `out` and checks the init and every listed segment are on disk.
    private func checkListedSegmentsExist(_ out: URL, _ result: ProcessOutput) throws -> SegmentRun {
        let playlistURL = out.appendingPathComponent("index.m3u8")
        try #require(
            FileManager.default.fileExists(atPath: playlistURL.path), "no playlist written:\n\(result.summary)")
        let playlist = try PlaylistFile(contentsOf: playlistURL)
        let mapURI = try #require(playlist.mapURIs.first, "no EXT-X-MAP:\n\(playlist.text)")
        let initURL = out.appendingPathComponent(mapURI)
        let segments = playlist.entries.map { out.appendingPathComponent($0.uri) }
        for file in [initURL] + segments {
            #expect(FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) is listed but missing")
        }
        let concatenated = out.deletingLastPathComponent().appendingPathComponent("all.mp4")
        try concatenate([initURL] + segments, into: concatenated)
        return SegmentRun(
            directory: out, process: result, playlistURL: playlistURL, playlist: playlist,
            concatenated: concatenated, initURL: initURL)
    }

    private func expectEverySegmentDecodes(_ run: SegmentRun) async throws {
        for (index, segment) in run.segmentURLs.enumerated() {
            let standalone = run.directory.deletingLastPathComponent().appendingPathComponent("seg\(index).mp4")
            try concatenate([run.initURL, segment], into: standalone)
            let decoded = try await Probe.decode(standalone)
            #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(segment.lastPathComponent):\n\(decoded.summary)")
            let flags = try await Probe.videoPacketFlags(standalone)
            #expect(flags.first?.contains("K") == true, "\(segment.lastPathComponent) does not start with a keyframe")
        }
        let whole = try await Probe.decode(run.concatenated)
        #expect(whole.succeeded && whole.stderrLines.isEmpty, "init + all segments:\n\(whole.summary)")
    }
}
