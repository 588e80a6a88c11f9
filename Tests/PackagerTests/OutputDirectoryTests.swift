import Foundation
import Packager
import Testing

/// `OutputDirectory.rewrite`: a file rewritten after every segment keeps two inodes and swaps
/// them, so no inode is freed per version (see its doc comment for why).
@Suite("OutputDirectory.rewrite")
struct OutputDirectoryRewriteTests {
    @Test func swapsBetweenTwoInodesAndKeepsThePreviousVersionAsTheSpare() throws {
        let directory = try SyntheticStream.temporaryDirectory("rewrite-swap")
        var inodes: Set<UInt64> = []
        for version in 1...6 {
            try directory.rewrite("version \(version)\n", to: "index.m3u8")
            #expect(try Self.text(directory, "index.m3u8") == "version \(version)\n")
            if version == 1 {
                // Nothing to swap with yet: a plain rename, no spare left behind.
                #expect(!directory.fileExists(".index.m3u8.tmp"))
            } else {
                #expect(try Self.text(directory, ".index.m3u8.tmp") == "version \(version - 1)\n")
                inodes.insert(try Self.inode(directory, "index.m3u8"))
            }
        }
        #expect(inodes.count == 2, "the playlist's versions used \(inodes.count) inodes")
    }

    /// The spare is overwritten in place, not truncated first: a shorter version must not keep
    /// the tail of the longer one it replaces, across block boundaries and within a block.
    @Test func versionsOfAnyLengthAreWrittenExactly() throws {
        let directory = try SyntheticStream.temporaryDirectory("rewrite-lengths")
        let lengths = [4_200, 10, 9_000, 8_193, 8_192, 1, 5_000, 4_095, 4_097, 0, 12, 12]
        var previous: String?
        for (version, length) in lengths.enumerated() {
            let text = String(repeating: Character(String(UnicodeScalar(UInt8(97 + version)))), count: length)
            try directory.rewrite(text, to: "index.m3u8")
            #expect(try Self.text(directory, "index.m3u8") == text, "version \(version), \(length) bytes")
            if let previous {
                #expect(try Self.text(directory, ".index.m3u8.tmp") == previous, "spare after version \(version)")
            }
            previous = text
        }
    }

    @Test func removeSpareLeavesOnlyTheFile() throws {
        let directory = try SyntheticStream.temporaryDirectory("rewrite-spare")
        try directory.removeSpare(of: "index.m3u8")  // none yet: not an error
        try directory.rewrite("a\n", to: "index.m3u8")
        try directory.rewrite("b\n", to: "index.m3u8")
        try directory.removeSpare(of: "index.m3u8")
        #expect(try SyntheticStream.files(directory) == ["index.m3u8"])
        #expect(try Self.text(directory, "index.m3u8") == "b\n")
    }

    @Test func aFinishedStreamLeavesNoSpare() async throws {
        let directory = try SyntheticStream.temporaryDirectory("rewrite-finished")
        let configuration = PackagerConfiguration(
            hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"))
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: configuration,
            logger: .init(label: "test"))
        for index in 0..<(48 * 4) { try await packager.write(SyntheticStream.audioPacket(index)) }
        #expect(directory.fileExists(".index.m3u8.tmp"), "a live EVENT playlist keeps its spare while it grows")
        _ = try await packager.finish()
        #expect(try SyntheticStream.files(directory).filter { $0.hasPrefix(".") }.isEmpty)
    }

    private static func text(_ directory: OutputDirectory, _ name: String) throws -> String {
        try String(contentsOfFile: directory.filePath(name), encoding: .utf8)
    }

    private static func inode(_ directory: OutputDirectory, _ name: String) throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.filePath(name))
        return (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }
}
