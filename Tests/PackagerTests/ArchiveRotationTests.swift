import Foundation
import Playlist
import Segmenter
import Synchronization
import Testing

@testable import Packager

/// A stream kept as an archive: period playlists beside a sliding live playlist, checked after
/// every packet the way a client that reloads any playlist at any moment would see them.
@Suite("archive rotation")
struct ArchiveRotationTests {
    /// 10-s periods of 1-s segments, a 5-s DVR window; the first packet is 3 s into a period.
    static let periodStart: Int64 = 1_800_000_000_000
    static let settings = ArchiveSettings(period: 10, dvrWindow: 5)

    final class RecordedIndex: ArchiveIndexAppending {
        let segments = Mutex<[ArchiveSegment]>([])
        func append(_ segment: ArchiveSegment) throws(PackagerError) {
            segments.withLock { $0.append(segment) }
        }
    }

    static func configuration(index: RecordedIndex) throws -> PackagerConfiguration {
        var settings = settings
        settings.index = index
        return PackagerConfiguration(
            hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"), flags: [.appendList]
        ).archiving(settings)
    }

    static func packager(_ directory: OutputDirectory, index: RecordedIndex, clock: Int64) throws -> StreamPackager {
        StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: try configuration(index: index),
            logger: SyntheticStream.logger, wallClock: { clock })
    }

    /// Every playlist in `directory`, by name.
    static func playlists(_ directory: OutputDirectory) throws -> [String: MediaPlaylist] {
        var out: [String: MediaPlaylist] = [:]
        for name in try SyntheticStream.files(directory) where name.hasSuffix(".m3u8") && !name.hasPrefix(".") {
            out[name] = try SyntheticStream.readPlaylist(directory, name: name)
        }
        return out
    }

    /// What any client could see: every listed file exists, an archive playlist is EVENT and
    /// starts with what it listed before, the live playlist slides within its window.
    struct Observer {
        var seen: [String: [String]] = [:]
        var ended: Set<String> = []

        mutating func check(_ directory: OutputDirectory) throws {
            let files = try SyntheticStream.files(directory)
            for (name, playlist) in try ArchiveRotationTests.playlists(directory) {
                for segment in playlist.segments {
                    #expect(files.contains(segment.uri), "\(name) lists \(segment.uri), which is missing")
                    #expect(files.contains(segment.map?.uri ?? "?"), "\(name): the map of \(segment.uri) is missing")
                    #expect(segment.programDateTime != nil)
                }
                if name == "index.m3u8" {
                    #expect(playlist.playlistType == nil)
                    #expect(playlist.segments.count <= ArchiveRotationTests.settings.liveListSize(hlsTime: 1))
                    continue
                }
                #expect(name.hasPrefix("archive-"))
                #expect(playlist.playlistType == .event, "\(name) is not EVENT")
                let uris = playlist.segments.map(\.uri)
                if let before = seen[name] {
                    #expect(Array(uris.prefix(before.count)) == before, "\(name) lost or changed an entry")
                }
                #expect(!ended.contains(name) || uris == seen[name], "\(name) changed after its ENDLIST")
                if playlist.endList { ended.insert(name) }
                seen[name] = uris
                // Every segment of an archive playlist is in the period of its first one.
                let period = ArchiveRotationTests.settings.periodStart(of: playlist.segments[0].programDateTime!.millisecondsSinceEpoch)
                for segment in playlist.segments {
                    #expect(ArchiveRotationTests.settings.periodStart(of: segment.programDateTime!.millisecondsSinceEpoch) == period)
                }
            }
        }
    }

    static let framesPerSecond = 48_000 / 1024

    @Test func periodsEndAndTheLivePlaylistSlides() async throws {
        let directory = try SyntheticStream.temporaryDirectory("archive-rotation")
        let index = RecordedIndex()
        let packager = try Self.packager(directory, index: index, clock: Self.periodStart + 3000)
        var observer = Observer()
        for frame in 0..<(35 * Self.framesPerSecond) {
            try await packager.write(SyntheticStream.audioPacket(frame))
            if frame % 8 == 0 { try observer.check(directory) }
        }
        _ = try await packager.finish()
        try observer.check(directory)

        let playlists = try Self.playlists(directory)
        let archives = playlists.filter { $0.key.hasPrefix("archive-") }.sorted { $0.key < $1.key }
        // 3 s into the first period, 35 s: the periods starting at 0, 10, 20, 30 s.
        #expect(archives.count == 4)
        #expect(archives.allSatisfy { $0.value.endList })
        #expect(archives.first?.key == ArchivePeriodPlaylist.name(firstSegmentDate: Self.periodStart + 3000))
        // The archive lists every segment once, in order, numbered as the files.
        let listed = archives.flatMap { $0.value.segments.map(\.uri) }
        let recorded = index.segments.withLock { $0 }
        #expect(listed == recorded.map(\.uri))
        #expect(recorded.map(\.sequenceNumber) == Array(0..<recorded.count))
        #expect(listed == recorded.map { "seg\($0.sequenceNumber).m4s" })
        for (name, playlist) in archives {
            #expect(recorded.filter { $0.playlist == name }.map(\.uri) == playlist.segments.map(\.uri))
            #expect(playlist.mediaSequence == recorded.first { $0.playlist == name }?.sequenceNumber)
        }
        for record in recorded {
            let size = try FileManager.default.attributesOfItem(atPath: directory.filePath(record.uri))[.size] as? Int
            #expect(record.size == size)
        }
        // The live playlist holds the last five and ends with the stream.
        let live = try #require(playlists["index.m3u8"])
        #expect(live.endList)
        #expect(live.segments.map(\.uri) == Array(listed.suffix(5)))
        #expect(live.mediaSequence == recorded.count - 5)
        // No spare of an ended playlist stays behind.
        #expect(try SyntheticStream.files(directory).filter { $0.hasPrefix(".archive-") }.isEmpty)
    }

    @Test func aRunKilledMidPeriodIsContinuedThenEnded() async throws {
        let directory = try SyntheticStream.temporaryDirectory("archive-left-open")
        let index = RecordedIndex()
        // A run killed after 4 s: its archive playlist is left open.
        let first = try Self.packager(directory, index: index, clock: Self.periodStart + 1000)
        for frame in 0..<(4 * Self.framesPerSecond) { try await first.write(SyntheticStream.audioPacket(frame)) }
        let leftOpen = try #require(try Self.playlists(directory).keys.first { $0.hasPrefix("archive-") })
        #expect(try Self.playlists(directory)[leftOpen]?.endList == false)
        let listedBefore = try Self.playlists(directory)[leftOpen]!.segments.count

        // The next run, in the same period: the same playlist goes on after a discontinuity.
        let second = try Self.packager(directory, index: index, clock: Self.periodStart + 6000)
        for frame in 0..<(2 * Self.framesPerSecond) { try await second.write(SyntheticStream.audioPacket(frame)) }
        var playlists = try Self.playlists(directory)
        #expect(playlists.keys.filter { $0.hasPrefix("archive-") } == [leftOpen])
        let continued = try #require(playlists[leftOpen])
        #expect(continued.segments.count > listedBefore)
        #expect(continued.segments[listedBefore].discontinuity)
        #expect(continued.segments[listedBefore].uri == "seg\(listedBefore).m4s")

        // A run in a later period ends it as it is and starts its own.
        let third = try Self.packager(directory, index: index, clock: Self.periodStart + 25_000)
        for frame in 0..<(2 * Self.framesPerSecond) { try await third.write(SyntheticStream.audioPacket(frame)) }
        _ = try await third.finish()
        playlists = try Self.playlists(directory)
        #expect(playlists[leftOpen]?.endList == true)
        #expect(playlists[leftOpen]?.segments.count == continued.segments.count)
        let archives = playlists.keys.filter { $0.hasPrefix("archive-") }.sorted()
        #expect(archives.count == 2)
        let numbers = index.segments.withLock { $0.map(\.sequenceNumber) }
        #expect(numbers == Array(0..<numbers.count), "numbering goes on across runs")
    }

    @Test func withdrawTakesSegmentsOutOfEveryPlaylist() async throws {
        let directory = try SyntheticStream.temporaryDirectory("archive-withdraw")
        let index = RecordedIndex()
        let packager = try Self.packager(directory, index: index, clock: Self.periodStart)
        for frame in 0..<(8 * Self.framesPerSecond) { try await packager.write(SyntheticStream.audioPacket(frame)) }
        let open = try #require(try Self.playlists(directory).keys.first { $0.hasPrefix("archive-") })
        let live = try Self.playlists(directory)["index.m3u8"]!
        let cut = live.mediaSequence + 1

        let names = try await packager.withdraw(through: cut)
        #expect(names == [open])
        let after = try Self.playlists(directory)["index.m3u8"]!
        #expect(after.mediaSequence == cut + 1)
        #expect(after.segments.map(\.uri) == Array(live.segments.map(\.uri).dropFirst(2)))

        // The next segment starts a new archive playlist: the withdrawn one is never written again.
        let withdrawn = try String(contentsOfFile: directory.filePath(open), encoding: .utf8)
        for frame in (8 * Self.framesPerSecond)..<(10 * Self.framesPerSecond) {
            try await packager.write(SyntheticStream.audioPacket(frame))
        }
        #expect(try String(contentsOfFile: directory.filePath(open), encoding: .utf8) == withdrawn)
        let archives = try Self.playlists(directory).keys.filter { $0.hasPrefix("archive-") }
        #expect(archives.count == 2)
        let newest = try #require(archives.max())
        #expect(try Self.playlists(directory)[newest]?.segments.first?.discontinuity == false)
    }

    @Test func anEndedPlaylistIsWithdrawnFromOnDisk() async throws {
        let directory = try SyntheticStream.temporaryDirectory("archive-withdraw-ended")
        let index = RecordedIndex()
        let packager = try Self.packager(directory, index: index, clock: Self.periodStart)
        for frame in 0..<(8 * Self.framesPerSecond) { try await packager.write(SyntheticStream.audioPacket(frame)) }
        _ = try await packager.finish()
        let configuration = try Self.configuration(index: index)
        let live = try Self.playlists(directory)["index.m3u8"]!
        #expect(try StreamPackager.withdrawFromEndedPlaylist(in: directory, configuration: configuration, through: live.mediaSequence))
        let after = try Self.playlists(directory)["index.m3u8"]!
        #expect(after.mediaSequence == live.mediaSequence + 1)
        #expect(after.endList)
        #expect(after.segments.map(\.uri) == Array(live.segments.map(\.uri).dropFirst()))
        // Everything withdrawn: no playlist is left to list what is gone.
        #expect(try StreamPackager.withdrawFromEndedPlaylist(in: directory, configuration: configuration, through: .max - 1))
        #expect(!(try SyntheticStream.files(directory).contains("index.m3u8")))
    }

    @Test func aWholeRecordingPlaylistIsArchivedWhenTheStreamBecomesAnArchive() async throws {
        let directory = try SyntheticStream.temporaryDirectory("archive-upgrade")
        // A stream recorded into one EVENT playlist, as before archives.
        let before = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory,
            configuration: PackagerConfiguration(
                hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"),
                flags: [.appendList, .programDateTime]),
            logger: SyntheticStream.logger, wallClock: { Self.periodStart })
        for frame in 0..<(6 * Self.framesPerSecond) { try await before.write(SyntheticStream.audioPacket(frame)) }
        _ = try await before.finish()
        let recorded = try Self.playlists(directory)["index.m3u8"]!

        let index = RecordedIndex()
        let configuration = try Self.configuration(index: index)
        let name = try StreamPackager.archiveEarlierRecording(in: directory, configuration: configuration, now: Self.periodStart + 60_000)
        #expect(name == ArchivePeriodPlaylist.name(firstSegmentDate: Self.periodStart))
        #expect(try StreamPackager.archiveEarlierRecording(in: directory, configuration: configuration, now: 0) == nil, "taken over once")
        let after = try Self.packager(directory, index: index, clock: Self.periodStart + 60_000)
        for frame in 0..<(7 * Self.framesPerSecond) { try await after.write(SyntheticStream.audioPacket(frame)) }
        var observer = Observer()
        try observer.check(directory)
        let playlists = try Self.playlists(directory)
        let archived = try #require(playlists[ArchivePeriodPlaylist.name(firstSegmentDate: Self.periodStart)])
        #expect(archived.endList)
        #expect(archived.segments.map(\.uri) == recorded.segments.map(\.uri))
        // The new segments go on after the taken-over ones.
        let records = index.segments.withLock { $0 }
        #expect(records.first?.sequenceNumber == recorded.segments.count)
        #expect(records.map(\.sequenceNumber) == Array(recorded.segments.count..<(recorded.segments.count + records.count)))
        #expect(playlists["index.m3u8"]?.playlistType == nil)
    }
}
