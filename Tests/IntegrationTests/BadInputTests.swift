import Foundation
import TestSupport
import Testing

/// Inputs `hlsseg segment` must refuse: non-zero exit, one line on stderr that names the
/// problem, and no playlist in the output folder.
@Suite("hlsseg segment: refused inputs", .timeLimit(.minutes(10)))
struct BadInputTests {
    struct BadInput: Sendable, CustomStringConvertible {
        var description: String
        /// The fixture to feed, or `nil` for a path that does not exist.
        var fixture: Fixture?
        /// The message must contain one of these (case-insensitive).
        var mentions: [String]
    }

    static let cases: [BadInput] = [
        BadInput(description: "missing input file", fixture: nil, mentions: ["does-not-exist.mp4"]),
        BadInput(description: "a text file", fixture: .textFile, mentions: ["notes.txt"]),
        BadInput(description: "MPEG-4 Part 2 video", fixture: .mpeg4Video, mentions: ["mpeg4", "mpeg-4"]),
        BadInput(description: "MPEG-1 Layer II audio", fixture: .mp2Audio, mentions: ["mp2"]),
        BadInput(description: "VP9 video", fixture: .vp9Video, mentions: ["vp9"]),
    ]

    @Test("non-zero exit, one line naming the problem, no playlist", arguments: cases)
    func refused(_ bad: BadInput) async throws {
        let slug = bad.description.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let directory = try TestScratch.directory("bad-" + String(slug))
        let input: URL
        if let fixture = bad.fixture {
            input = try await FixtureStore.shared.url(fixture)
        } else {
            input = directory.appendingPathComponent("does-not-exist.mp4")
        }
        let out = directory.appendingPathComponent("out", isDirectory: true)

        let result = try await runSegment(inputs: [input], outputDirectory: out, arguments: SegmentCase.vod)

        expectRefusal(result, outputDirectory: out, mentions: bad.mentions)
    }

    @Test("output folder that cannot be created (under a regular file)")
    func outputNotWritable() async throws {
        let directory = try TestScratch.directory("bad-output-dir")
        let blocker = directory.appendingPathComponent("blocker")
        try Data("a regular file\n".utf8).write(to: blocker)
        let out = blocker.appendingPathComponent("out", isDirectory: true)
        let input = try await FixtureStore.shared.url(.highProfileBFrames)

        let result = try await runSegment(inputs: [input], outputDirectory: out, arguments: SegmentCase.vod)

        expectRefusal(result, outputDirectory: out, mentions: ["blocker"])
    }

    private func expectRefusal(_ result: ProcessOutput, outputDirectory: URL, mentions: [String]) {
        #expect(!result.timedOut, "\(result.summary)")
        #expect(result.status != 0, "must exit non-zero:\n\(result.summary)")
        #expect(result.stderrLines.count == 1, "want exactly one line on stderr:\n\(result.summary)")
        let message = result.stderrLines.joined(separator: "\n")
        #expect(
            mentions.contains { message.localizedCaseInsensitiveContains($0) },
            "stderr should name \(mentions.joined(separator: " or ")):\n\(result.summary)")
        let playlist = outputDirectory.appendingPathComponent("index.m3u8")
        #expect(!FileManager.default.fileExists(atPath: playlist.path), "a playlist was left in \(outputDirectory.path)")
    }
}
