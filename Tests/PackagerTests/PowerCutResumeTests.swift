import Foundation
import Playlist
import Testing

@testable import Packager

/// What a power cut can leave with `FileSync.periodic` (files listed before they reached the
/// disk), made by hand, and what `append_list` makes of it. See `StreamPackager.start`.
@Suite("append_list after a power cut")
struct PowerCutResumeTests {
    private static func appending() throws -> PackagerConfiguration { try ResumeTests.configuration([.appendList]) }

    @Test func lostSegmentsAtTheEndAreDroppedAndTheirNumbersUsedAgain() async throws {
        let directory = try SyntheticStream.temporaryDirectory("power-cut-tail", fileSync: .periodic)
        try await ResumeTests.run(directory, try Self.appending(), seconds: 6)
        let before = try SyntheticStream.readPlaylist(directory)
        let count = before.segments.count
        #expect(count >= 5)
        // Not the newest only: a power cut leaves any mix of the last files, here one cut
        // short, one whole, one missing.
        try Self.cutShort(directory, before.segments[count - 3].uri)
        try FileManager.default.removeItem(atPath: directory.filePath(before.segments[count - 1].uri))

        try await ResumeTests.run(directory, try Self.appending(), seconds: 3)
        let after = try SyntheticStream.readPlaylist(directory)

        #expect(Array(after.segments.prefix(count - 3)) == Array(before.segments.prefix(count - 3)))
        #expect(after.segments.map(\.uri) == after.segments.indices.map { "seg\($0).m4s" }, "numbering goes on from the last whole segment")
        #expect(after.segments[count - 3].discontinuity)
        #expect(after.segments.filter(\.discontinuity).count == 1)
        for segment in after.segments { #expect(directory.holdsCompleteSegment(segment.uri), "\(segment.uri)") }
    }

    @Test func anUnreadablePlaylistIsContinuedFromItsSpare() async throws {
        let directory = try SyntheticStream.temporaryDirectory("power-cut-playlist", fileSync: .periodic)
        // Not finished: a live playlist that is still growing keeps its previous version as the spare.
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: try Self.appending(),
            logger: SyntheticStream.logger)
        for index in 0..<(5 * 48_000 / 1024) { try await packager.write(SyntheticStream.audioPacket(index)) }
        let spare = try PlaylistParser.parseMedia(
            String(contentsOfFile: directory.filePath(".index.m3u8.tmp"), encoding: .utf8))
        // Zeros where the text was: the file's size reached the disk, its data did not.
        let size = try #require(try directory.read("index.m3u8")).count
        try Data(count: size).write(to: URL(fileURLWithPath: directory.filePath("index.m3u8")))

        try await ResumeTests.run(directory, try Self.appending(), seconds: 2)
        let after = try SyntheticStream.readPlaylist(directory)

        #expect(Array(after.segments.prefix(spare.segments.count)) == spare.segments)
        #expect(after.segments[spare.segments.count].discontinuity)
        #expect(after.endList)
    }

    @Test func damageOlderThanAPowerCutCanCauseIsLeftListed() async throws {
        let directory = try SyntheticStream.temporaryDirectory("power-cut-old")
        let seconds = Int(StreamPackager.mediaCheckedOnResume) + 10
        try await ResumeTests.run(directory, try Self.appending(), seconds: seconds)
        let before = try SyntheticStream.readPlaylist(directory)
        try FileManager.default.removeItem(atPath: directory.filePath(before.segments[0].uri))

        try await ResumeTests.run(directory, try Self.appending(), seconds: 2)
        let after = try SyntheticStream.readPlaylist(directory)

        #expect(Array(after.segments.prefix(before.segments.count)) == before.segments)
        #expect(after.segments.count > before.segments.count)
    }

    @Test func wholeSegmentsPassTheCheckAndDamagedOnesFail() async throws {
        let directory = try SyntheticStream.temporaryDirectory("power-cut-check")
        try await ResumeTests.run(directory, try Self.appending(), seconds: 4)
        let names = try SyntheticStream.readPlaylist(directory).segments.map(\.uri)
        #expect(names.count >= 3)
        for name in names { #expect(directory.holdsCompleteSegment(name), "\(name)") }

        try Self.cutShort(directory, names[0])
        let size = try #require(try directory.read(names[1])).count
        try Data(count: size).write(to: URL(fileURLWithPath: directory.filePath(names[1])))
        try Data().write(to: URL(fileURLWithPath: directory.filePath(names[2])))

        #expect(!directory.holdsCompleteSegment(names[0]), "cut short")
        #expect(!directory.holdsCompleteSegment(names[1]), "zeros")
        #expect(!directory.holdsCompleteSegment(names[2]), "empty")
        #expect(!directory.holdsCompleteSegment("seg999.m4s"), "missing")
        #expect(!directory.holdsCompleteSegment("init.mp4"), "an init file is not a media segment")
    }

    @Test func periodicWritesTheSameFilesAsPerFile() async throws {
        let perFile = try SyntheticStream.temporaryDirectory("file-sync-per-file")
        let periodic = try SyntheticStream.temporaryDirectory("file-sync-periodic", fileSync: .periodic)
        let clock: @Sendable () -> Int64 = { 1_700_000_000_000 }
        try await ResumeTests.run(perFile, try Self.appending(), seconds: 4, clock: clock)
        try await ResumeTests.run(periodic, try Self.appending(), seconds: 4, clock: clock)
        try OutputDirectory.syncFileSystem(containing: periodic.path)

        let names = try SyntheticStream.files(perFile)
        #expect(try SyntheticStream.files(periodic) == names)
        for name in names { #expect(try perFile.read(name) == periodic.read(name), "\(name)") }
    }

    private static func cutShort(_ directory: OutputDirectory, _ name: String) throws {
        let bytes = try #require(try directory.read(name))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: directory.filePath(name)))
    }
}
