import Foundation
import TestSupport
import Testing

/// `hlsseg segment -o` into an existing folder never writes through a symbolic link in it: a
/// name it would write that is a link is refused up front, with one line naming it and a
/// non-zero exit, and what the link points to is left as it was.
@Suite("hlsseg segment: symbolic links in the output folder", .timeLimit(.minutes(5)))
struct OutputLinkTests {
    @Test(arguments: ["index.m3u8", "init.mp4", "seg2.m4s"])
    func aLinkedNameIsRefused(name: String) async throws {
        let directory = try TestScratch.directory("output-link-\(name)")
        let outside = directory.appendingPathComponent("outside.txt")
        try Data("do not touch\n".utf8).write(to: outside)
        let out = directory.appendingPathComponent("out", isDirectory: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: out.appendingPathComponent(name).path, withDestinationPath: outside.path)
        let input = try await FixtureStore.shared.url(.highProfileBFrames)

        let result = try await runSegment(inputs: [input], outputDirectory: out, arguments: SegmentCase.vod)

        #expect(!result.timedOut && result.status != 0, "must exit non-zero:\n\(result.summary)")
        let message = result.stderrLines.joined(separator: "\n")
        #expect(message.contains("symbolic link") && message.contains(name), "\(result.summary)")
        #expect(try String(contentsOf: outside, encoding: .utf8) == "do not touch\n")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("seg0.m4s").path))
    }
}
