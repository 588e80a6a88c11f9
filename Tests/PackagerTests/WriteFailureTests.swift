import Foundation
import Playlist
import Testing

@testable import Packager

/// A segment is listed in memory before its file is written (one file-write job writes the
/// segment, then the playlist). When the segment's write fails, the listing is taken back: no
/// playlist on disk names it, the next segment takes its number, and the stream goes on. When
/// only the playlist's write fails, the segment stays listed and the next playlist lists it.
@Suite("StreamPackager when a write fails")
struct WriteFailureTests {
    static let secondsOfAudio = 8
    static var packets: Range<Int> { 0..<(secondsOfAudio * 48_000 / 1024) }

    static func packager(_ directory: OutputDirectory, type: PlaylistType?) throws -> StreamPackager {
        let configuration = PackagerConfiguration(
            hlsTime: 1, playlistType: type, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"), listSize: 3,
            flags: type == nil ? [.deleteSegments] : [])
        return StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: configuration,
            logger: SyntheticStream.logger, fileIO: BlockingFileIOTests.Threads().io)
    }

    /// Every listed file is there, and the file is what a full rendering of the playlist gives
    /// (the incremental writer had rendered the segment that was taken back).
    static func checkFinal(_ directory: OutputDirectory, _ packager: StreamPackager, label: String) async throws {
        let text = try String(contentsOfFile: directory.filePath("index.m3u8"), encoding: .utf8)
        let listed = try #require(await packager.playlist)
        #expect(text == PlaylistWriter.write(listed), "\(label)")
        for segment in listed.segments {
            #expect(FileManager.default.fileExists(atPath: directory.filePath(segment.uri)), "\(label): \(segment.uri)")
        }
    }

    @Test(arguments: [PlaylistType.event, nil])
    func aSegmentThatCannotBeWrittenIsTakenBack(type: PlaylistType?) async throws {
        let label = type.map { "\($0)" } ?? "sliding"
        let directory = try SyntheticStream.temporaryDirectory("write-fails-segment-\(label)")
        let packager = try Self.packager(directory, type: type)
        // A folder where seg3.m4s must go: its write fails.
        try FileManager.default.createDirectory(atPath: directory.filePath("seg3.m4s"), withIntermediateDirectories: false)
        var failures = 0
        for index in Self.packets {
            do {
                try await packager.write(SyntheticStream.audioPacket(index))
            } catch {
                failures += 1
                let onDisk = try SyntheticStream.readPlaylist(directory)
                #expect(onDisk.segments.last?.uri == "seg2.m4s", "\(label): the playlist lists only what was written")
                #expect(await packager.playlist?.segments.map(\.uri) == onDisk.segments.map(\.uri), "\(label)")
                #expect(await packager.playlist?.mediaSequence == onDisk.mediaSequence, "\(label)")
                try FileManager.default.removeItem(atPath: directory.filePath("seg3.m4s"))
            }
        }
        #expect(failures == 1)
        let summary = try await packager.finish()
        // The lost segment's frames are gone; its number went to the next segment.
        #expect(summary.segmentCount == Self.secondsOfAudio - 1)
        let listed = try #require(await packager.playlist)
        #expect(listed.mediaSequence + listed.segments.count == Self.secondsOfAudio - 1, "\(label)")
        #expect(listed.segments.map(\.uri).last == "seg\(Self.secondsOfAudio - 2).m4s", "\(label)")
        try await Self.checkFinal(directory, packager, label: label)
    }

    @Test func aSegmentWhosePlaylistCannotBeWrittenStaysListed() async throws {
        let directory = try SyntheticStream.temporaryDirectory("write-fails-playlist")
        let packager = try Self.packager(directory, type: .event)
        var failures = 0
        for index in Self.packets {
            // After the first playlist, its spare becomes a folder: the next rewrite fails.
            if failures == 0, (try? SyntheticStream.readPlaylist(directory))?.segments.count == 2 {
                let spare = directory.filePath(OutputDirectory.temporaryName(of: "index.m3u8"))
                try FileManager.default.removeItem(atPath: spare)
                try FileManager.default.createDirectory(atPath: spare, withIntermediateDirectories: false)
            }
            do {
                try await packager.write(SyntheticStream.audioPacket(index))
            } catch {
                failures += 1
                #expect(FileManager.default.fileExists(atPath: directory.filePath("seg2.m4s")), "the segment was written")
                #expect(try SyntheticStream.readPlaylist(directory).segments.count == 2)
                let spare = directory.filePath(OutputDirectory.temporaryName(of: "index.m3u8"))
                try FileManager.default.removeItem(atPath: spare)
            }
        }
        #expect(failures == 1)
        let summary = try await packager.finish()
        #expect(summary.segmentCount == Self.secondsOfAudio)
        let listed = try #require(await packager.playlist)
        #expect(listed.segments.map(\.uri) == (0..<Self.secondsOfAudio).map { "seg\($0).m4s" })
        try await Self.checkFinal(directory, packager, label: "playlist failure")
    }

    /// A full disk, as live ingest meets it: segments fail one after another until space
    /// returns. The batch API goes on packaging, reports what was lost, and the first segment
    /// after the gap starts with a discontinuity whose program date-time is still the wall clock.
    @Test func segmentsLostInARowLeaveADiscontinuityAndAreReported() async throws {
        let directory = try SyntheticStream.temporaryDirectory("write-fails-gap")
        let configuration = PackagerConfiguration(
            hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"),
            flags: [.programDateTime])
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: configuration,
            logger: SyntheticStream.logger, wallClock: { 1_700_000_000_000 }, fileIO: BlockingFileIOTests.Threads().io)
        // Every segment numbered 3 fails while this folder is in its way (the lost segment's
        // number goes to the next one), as every write fails while a disk is full.
        let blocker = directory.filePath("seg3.m4s")
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        var lost = StreamPackager.Losses()
        var firstError: PackagerError?
        var failingReports = 0
        var recoveredAfterFailing = false
        var blockerRemoved = false
        let batch = 8
        for start in stride(from: 0, to: Self.packets.upperBound, by: batch) {
            let packets = (start..<min(start + batch, Self.packets.upperBound)).map { SyntheticStream.audioPacket($0) }
            let report = try await packager.write(contentsOf: packets)
            lost.add(report.losses)
            if firstError == nil { firstError = report.writeError }
            if report.isFailing { failingReports += 1 }
            if lost.segments >= 3, !blockerRemoved {
                try FileManager.default.removeItem(atPath: blocker)
                blockerRemoved = true
            }
            if failingReports > 0, !report.isFailing, lost.segments > 0 { recoveredAfterFailing = true }
        }
        let summary = try await packager.finish()
        #expect(firstError?.code == .writeFailed)
        #expect(failingReports > 0 && recoveredAfterFailing)
        #expect(lost.segments == 3 && summary.losses == lost && summary.unreportedLosses.isEmpty)
        // Every frame is either in a listed segment or counted as lost.
        #expect(summary.sampleCount + lost.frames == Self.packets.count)
        #expect(abs(summary.duration + lost.seconds - Double(Self.packets.count * 1024) / 48_000) < 0.001)

        let listed = try SyntheticStream.readPlaylist(directory)
        #expect(listed.segments.map(\.uri) == (0..<(Self.secondsOfAudio - 3)).map { "seg\($0).m4s" })
        #expect(listed.segments.map(\.discontinuity) == listed.segments.indices.map { $0 == 3 })
        let before = listed.segments[2]
        let after = listed.segments[3]
        let gap =
            try #require(after.programDateTime).millisecondsSinceEpoch
            - (try #require(before.programDateTime).millisecondsSinceEpoch + Int64((before.duration * 1000).rounded()))
        #expect(abs(Double(gap) - lost.seconds * 1000) <= 2, "the date jumps by the lost media: \(gap) ms")
        try await Self.checkFinal(directory, packager, label: "gap")
    }

    /// The single-packet API throws for the call whose segment was lost, and only for it.
    @Test func onlyTheCallThatLostASegmentThrows() async throws {
        let directory = try SyntheticStream.temporaryDirectory("write-fails-once")
        let packager = try Self.packager(directory, type: .event)
        try FileManager.default.createDirectory(atPath: directory.filePath("seg1.m4s"), withIntermediateDirectories: false)
        var failures = 0
        for index in Self.packets {
            do { try await packager.write(SyntheticStream.audioPacket(index)) } catch {
                failures += 1
                try FileManager.default.removeItem(atPath: directory.filePath("seg1.m4s"))
            }
        }
        #expect(failures == 1)
        let summary = try await packager.finish()
        #expect(summary.losses.segments == 1 && summary.lastSegmentError == nil)
    }
}
