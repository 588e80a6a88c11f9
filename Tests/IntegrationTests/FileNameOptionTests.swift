import Foundation
import TestSupport
import Testing

/// The naming options change the names on disk and in the playlist, nothing else.
@Suite("hlsseg segment: file name options", .timeLimit(.minutes(10)))
struct FileNameOptionTests {
    @Test("--playlist-name, --hls-segment-filename, --hls-fmp4-init-filename")
    func customNames() async throws {
        let input = try await FixtureStore.shared.url(.highProfileBFrames)
        let out = try TestScratch.directory("names").appendingPathComponent("out", isDirectory: true)

        let result = try await runSegment(
            inputs: [input], outputDirectory: out,
            arguments: SegmentCase.vod + [
                "--playlist-name", "live.m3u8",
                "--hls-segment-filename", "part%d.m4s",
                "--hls-fmp4-init-filename", "header.mp4",
            ])

        try #require(result.succeeded, "\(result.summary)")
        let playlist = try PlaylistFile(contentsOf: out.appendingPathComponent("live.m3u8"))
        #expect(playlist.mapURIs == ["header.mp4"], "\(playlist.text)")
        #expect(playlist.entries.map(\.uri) == (0..<5).map { "part\($0).m4s" }, "\(playlist.text)")
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        #expect(present == Set(["live.m3u8", "header.mp4"] + (0..<5).map { "part\($0).m4s" }), "\(present)")

        let decoded = try await Probe.decode(out.appendingPathComponent("live.m3u8"))
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
    }
}
