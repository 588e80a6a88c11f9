import Foundation
import Packager
import Testing

/// Nothing outside an output folder is ever created, written, renamed or deleted, whatever the
/// folder contains: an entry that is a symbolic link is refused, never followed, and a folder
/// replaced by a link while it is written does not redirect the writes.
@Suite("OutputDirectory and symbolic links")
struct SymbolicLinkTests {
    /// A folder beside the output with one file in it, `secret`, whose bytes must never change.
    struct Outside {
        let path: String
        static let contents = "do not touch\n"

        init(_ name: String) throws {
            path = try SyntheticStream.temporaryDirectory(name + "-outside").path
            try Self.contents.write(toFile: path + "/secret", atomically: false, encoding: .utf8)
        }

        var secret: String { path + "/secret" }

        /// The folder still holds only `secret`, unchanged.
        func checkUntouched(_ label: String) throws {
            #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["secret"], "\(label)")
            #expect(try String(contentsOfFile: secret, encoding: .utf8) == Self.contents, "\(label)")
        }
    }

    static func link(_ directory: OutputDirectory, _ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: directory.filePath(name), withDestinationPath: target)
    }

    static func expectRefused(_ label: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(label): not refused")
        } catch {
            #expect((error as? PackagerError)?.code == .symbolicLink, "\(label): \(error)")
        }
    }

    @Test func everyWriteRefusesAnEntryThatIsALink() throws {
        let outside = try Outside("links-entries")
        let directory = try SyntheticStream.temporaryDirectory("links-entries")
        try Self.link(directory, "index.m3u8", to: outside.secret)
        try Self.link(directory, "seg0.m4s", to: outside.secret)
        try Self.link(directory, ".seg1.m4s.tmp", to: outside.secret)
        try Self.link(directory, ".live.m3u8.tmp", to: outside.secret)
        Self.expectRefused("write over a link") { try directory.write("x", to: "seg0.m4s") }
        Self.expectRefused("write through a linked temporary name") { try directory.write("x", to: "seg1.m4s") }
        Self.expectRefused("rewrite over a link") { try directory.rewrite("x", to: "index.m3u8") }
        Self.expectRefused("rewrite through a linked spare") { try directory.rewrite("x", to: "live.m3u8") }
        Self.expectRefused("read of a link") { _ = try directory.read("index.m3u8") }
        // A prepared (unnamed) file cannot take a name that exists; the fallback refuses too.
        let prepared = directory.prepareFile(named: "seg0.m4s")
        #expect(prepared == nil)
        Self.expectRefused("write of a prepared segment over a link") {
            try directory.write([[1, 2, 3]], to: "seg0.m4s", prepared: prepared)
        }
        #expect(!directory.holdsCompleteSegment("seg0.m4s"))
        #expect(try directory.symbolicLinks().sorted() == [".live.m3u8.tmp", ".seg1.m4s.tmp", "index.m3u8", "seg0.m4s"])
        // Removing a link removes the link, not what it points to.
        try directory.remove("seg0.m4s")
        #expect(!directory.fileExists("seg0.m4s"))
        try outside.checkUntouched("after every refused write")
    }

    @Test func aStreamFolderThatIsALinkIsRefused() throws {
        let outside = try Outside("links-folder")
        let root = try SyntheticStream.temporaryDirectory("links-folder-root")
        try Self.link(root, "evil", to: outside.path)
        Self.expectRefused("a linked stream folder") { _ = try root.subdirectory("evil") }
        let stream = try root.subdirectory("good")
        try stream.write("x", to: "seg0.m4s")
        #expect(FileManager.default.fileExists(atPath: root.path + "/good/seg0.m4s"))
        try outside.checkUntouched("after the refusal")
    }

    @Test func namesArePlainEntries() throws {
        let directory = try SyntheticStream.temporaryDirectory("links-names")
        for name in ["", ".", "..", "../escape", "a/b"] {
            #expect(throws: PackagerError.self, "\(name)") { try directory.write("x", to: name) }
        }
        #expect(throws: PackagerError.self) { _ = try directory.subdirectory("..") }
    }

    /// The folder is renamed away and a link to another folder put in its place while the
    /// stream is written: the writes go on into the folder that was opened.
    @Test func aFolderSwappedForALinkMidStreamDoesNotRedirectWrites() async throws {
        let outside = try Outside("links-swapped")
        let root = try SyntheticStream.temporaryDirectory("links-swapped-root")
        let directory = try root.subdirectory("cam")
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory,
            configuration: PackagerConfiguration(
                hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s")),
            logger: SyntheticStream.logger)
        let packetsPerSecond = 48_000 / 1024
        for index in 0..<(packetsPerSecond * 3) { try await packager.write(SyntheticStream.audioPacket(index)) }
        try FileManager.default.moveItem(atPath: root.path + "/cam", toPath: root.path + "/cam-moved")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/cam", withDestinationPath: outside.path)
        for index in (packetsPerSecond * 3)..<(packetsPerSecond * 6) {
            try await packager.write(SyntheticStream.audioPacket(index))
        }
        _ = try await packager.finish()
        try outside.checkUntouched("after the swap")
        let moved = try String(contentsOfFile: root.path + "/cam-moved/index.m3u8", encoding: .utf8)
        #expect(moved.contains("#EXT-X-ENDLIST") && moved.contains("seg4.m4s"))
    }

    /// A packager refuses to start when a name it writes is a link, before anything is listed.
    @Test(arguments: ["index.m3u8", "init.mp4", "seg3.m4s", ".index.m3u8.tmp"])
    func aPackagerRefusesToStartOverALink(name: String) async throws {
        // A folder of its own per case: the cases run at the same time.
        let outside = try Outside("links-start-\(name)")
        let directory = try SyntheticStream.temporaryDirectory("links-start-\(name)")
        try Self.link(directory, name, to: outside.secret)
        try Self.link(directory, "unrelated", to: outside.secret)
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory,
            configuration: PackagerConfiguration(
                hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s")),
            logger: SyntheticStream.logger)
        var refusal: PackagerError?
        for index in 0..<(48_000 / 1024 * 2) where refusal == nil {
            do { try await packager.write(SyntheticStream.audioPacket(index)) } catch { refusal = error as? PackagerError }
        }
        #expect(refusal?.code == .symbolicLink, "\(String(describing: refusal))")
        #expect(refusal?.reason.contains(name) == true, "\(String(describing: refusal))")
        #expect(!directory.fileExists("seg0.m4s") && (name == "index.m3u8" || !directory.fileExists("index.m3u8")))
        try outside.checkUntouched("after the refusal")
    }
}
