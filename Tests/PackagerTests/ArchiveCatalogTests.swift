import Foundation
import Logging
import Playlist
import TestSupport
import Testing

@testable import Packager

/// `ArchiveCatalog` on folders as the packager and other tools leave them: index files loaded
/// and refreshed, repaired from the playlists (with one log line), folders without an index
/// answered from their playlist, and the index's queries against a plain reference.
@Suite("archive catalog")
struct ArchiveCatalogTests {
    static let origin: Int64 = 1_767_225_600_000

    static func segment(_ number: Int, playlist: String, initURI: String = "init.mp4") -> ArchiveSegment {
        ArchiveSegment(
            sequenceNumber: number, uri: "seg\(number).m4s", initURI: initURI, date: origin + Int64(number) * 2000, duration: 2,
            size: 1000 + number, discontinuity: false, playlist: playlist)
    }

    /// A stream folder holding segment files (`1000 + N` bytes each) and the playlists listing
    /// `segments` (`playlist` "" goes to index.m3u8 only; index.m3u8 lists the last `window`).
    static func writeFolder(root: String, stream: String, segments: [ArchiveSegment], window: Int) throws {
        let folder = root + "/" + stream
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for segment in segments {
            try Data(count: segment.size).write(to: URL(fileURLWithPath: folder + "/" + segment.uri))
        }
        func media(_ segment: ArchiveSegment) -> MediaSegment {
            MediaSegment(
                uri: segment.uri, duration: segment.duration, discontinuity: segment.discontinuity,
                map: MediaInitializationSection(uri: segment.initURI),
                programDateTime: ProgramDateTime(millisecondsSinceEpoch: segment.date))
        }
        for name in Set(segments.map(\.playlist)) where !name.isEmpty {
            let listed = segments.filter { $0.playlist == name }
            let playlist = MediaPlaylist(
                targetDuration: 2, mediaSequence: listed[0].sequenceNumber, playlistType: .event, endList: true,
                segments: listed.map(media))
            try PlaylistWriter.write(playlist).write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        let live = Array(segments.suffix(window))
        let playlist = MediaPlaylist(targetDuration: 2, mediaSequence: live[0].sequenceNumber, segments: live.map(media))
        try PlaylistWriter.write(playlist).write(toFile: folder + "/index.m3u8", atomically: true, encoding: .utf8)
    }

    /// 30 segments in three archive periods of ten, the live playlist holding the last 15.
    static func archivedSegments() -> [ArchiveSegment] {
        (1...30).map { segment($0, playlist: "archive-2026010100\(($0 - 1) / 10)000Z.m3u8") }
    }

    @Test("an index file is loaded, and each query reads only what was appended since")
    func loadAndRefresh() throws {
        let root = try TestScratch.directory("archive-catalog/refresh").path
        let segments = Self.archivedSegments()
        try Self.writeFolder(root: root, stream: "cam", segments: segments, window: 15)
        let writer = try ArchiveIndexWriter(root: root, stream: "cam")
        #expect(writer.lastSequenceNumber == 30, "a new index starts from the playlists")
        let lines = RecordingLogHandler.Lines()
        let catalog = ArchiveCatalog(root: root, logger: lines.logger())
        let summary = try catalog.loadAll()
        #expect(summary.streams == 1 && summary.segments == 30)
        #expect(catalog.streams() == ["cam"])
        #expect(Array(try #require(catalog.index(of: "cam")).segments) == segments)

        for number in 31...40 { try writer.append(Self.segment(number, playlist: "archive-20260101T003000Z.m3u8")) }
        let index = try #require(catalog.index(of: "cam"))
        #expect(index.count == 40 && index.segments.last?.sequenceNumber == 40)
        #expect(index.offset(at: 40) == 80 && index.totalSize == (1...40).reduce(0) { $0 + 1000 + $1 })

        // Retention: gone at once, and in every later load.
        try catalog.retire(stream: "cam", through: 12)
        #expect(try #require(catalog.index(of: "cam")).segments.first?.sequenceNumber == 13)
        try writer.append(Self.segment(41, playlist: "archive-20260101T003000Z.m3u8"))
        let later = ArchiveCatalog(root: root, logger: lines.logger())
        try later.loadAll()
        let reloaded = try #require(later.index(of: "cam"))
        #expect(reloaded.segments.map(\.sequenceNumber) == Array(13...41))
        #expect(reloaded.offset(at: 0) == 0 && reloaded.duration == 58)
        #expect(lines.all.isEmpty, "\(lines.all)")
    }

    @Test("segments the playlists list beyond the last record (a crash between the two) are added at load")
    func reconcileWithPlaylists() throws {
        let root = try TestScratch.directory("archive-catalog/reconcile").path
        let segments = Self.archivedSegments()
        try Self.writeFolder(root: root, stream: "cam", segments: Array(segments.prefix(20)), window: 15)
        let writer = try ArchiveIndexWriter(root: root, stream: "cam")
        #expect(writer.lastSequenceNumber == 20)
        // The playlists go on to 30; the index does not.
        try Self.writeFolder(root: root, stream: "cam", segments: segments, window: 15)
        let catalog = ArchiveCatalog(root: root, logger: Logger(label: "test"))
        try catalog.loadAll()
        #expect(Array(try #require(catalog.index(of: "cam")).segments) == segments)
        let file = ArchiveIndexFile.records(
            in: Array(try Data(contentsOf: URL(fileURLWithPath: ArchiveIndexFile.path(root: root, stream: "cam")))))
        #expect(file.end == .complete && file.records.count == 30, "the added segments are in the file too")
        // The writer goes on after them.
        try writer.append(Self.segment(31, playlist: "archive-20260101T003000Z.m3u8"))
        #expect(try #require(catalog.index(of: "cam")).count == 31)
    }

    @Test("a missing, corrupt or torn index is rebuilt or repaired at load, with one log line saying why")
    func rebuildFromPlaylists() throws {
        let root = try TestScratch.directory("archive-catalog/rebuild").path
        let segments = Self.archivedSegments()
        try Self.writeFolder(root: root, stream: "cam", segments: segments, window: 15)
        let path = ArchiveIndexFile.path(root: root, stream: "cam")

        let missing = RecordingLogHandler.Lines()
        let catalog = ArchiveCatalog(root: root, logger: missing.logger())
        try catalog.loadAll()
        #expect(Array(try #require(catalog.index(of: "cam")).segments) == segments)
        #expect(missing.all == ["warning archive index of 'cam' is missing: rebuilt from 4 playlists, 30 segments"], "\(missing.all)")
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: path)))

        var damaged = good
        damaged[good.count / 2] ^= 0x40
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let corrupt = RecordingLogHandler.Lines()
        let second = ArchiveCatalog(root: root, logger: corrupt.logger())
        try second.loadAll()
        #expect(Array(try #require(second.index(of: "cam")).segments) == segments)
        #expect(corrupt.all.count == 1 && corrupt.all[0].hasPrefix("warning archive index of 'cam' is corrupt at byte "), "\(corrupt.all)")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == good)

        try Data(good.dropLast(3)).write(to: URL(fileURLWithPath: path))
        let torn = RecordingLogHandler.Lines()
        let third = ArchiveCatalog(root: root, logger: torn.logger())
        try third.loadAll()
        #expect(Array(try #require(third.index(of: "cam")).segments) == segments, "the cut segment is added back from the playlists")
        #expect(torn.all.count == 1 && torn.all[0].hasPrefix("warning archive index of 'cam': torn tail cut at byte "), "\(torn.all)")
    }

    @Test("a folder without index file or archive playlists is answered from its index.m3u8, made again when it changes")
    func inMemoryIndex() throws {
        let root = try TestScratch.directory("archive-catalog/playlist").path
        let folder = root + "/clip"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Dated segments 1 and 4; the others count on from them (and 0 back from 1).
        func write(_ count: Int) throws {
            var text = "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-MAP:URI=\"init.mp4\"\n"
            for number in 0..<count {
                if number == 1 { text += "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.500Z\n" }
                if number == 4 { text += "#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T01:00:00.000Z\n" }
                text += "#EXTINF:2.5,\nseg\(number + 10).m4s\n"
            }
            try text.write(toFile: folder + "/index.m3u8", atomically: true, encoding: .utf8)
        }
        try write(5)
        let catalog = ArchiveCatalog(root: root, logger: Logger(label: "test"))
        try catalog.loadAll()
        let index = try #require(catalog.index(of: "clip"))
        #expect(index.segments.map(\.sequenceNumber) == Array(10...14))
        let dayStart = Self.origin
        #expect((0..<5).map(index.date(at:)) == [dayStart, dayStart + 2500, dayStart + 5000, dayStart + 7500, dayStart + 3_600_000])
        #expect((0..<5).map(index.isDated(at:)) == [false, true, false, false, true])
        #expect(index.spanRanges(in: 0..<5) == [0..<4, 4..<5])
        #expect(index.discontinuitySequence(at: 4) == 0 && index.discontinuitySequence(at: 0) == 0)
        #expect(!FileManager.default.fileExists(atPath: root + "/.hlsseg"), "no file is written for such a folder")
        #expect(catalog.streams().isEmpty)

        try write(7)
        #expect(try #require(catalog.index(of: "clip")).count == 7)
        #expect(catalog.index(of: "nothing") == nil && catalog.index(of: ".hlsseg") == nil && catalog.index(of: "../clip") == nil)
    }

    @Test("positions found by binary search match a plain scan, on seeded random recordings with gaps, breaks and retention")
    func queriesAgainstReference() throws {
        var generator = SeededRandom(seed: 2020)
        for round in 0..<40 {
            var builder = ArchiveIndexBuilder()
            var segments: [ArchiveSegment] = []
            var date = Self.origin
            var number = Int.random(in: 0..<1000, using: &generator)
            var initURI = "init.mp4"
            let count = Int.random(in: 1..<(round < 20 ? 40 : 9000), using: &generator)
            for _ in 0..<count {
                let duration = Double(Int.random(in: 500_000...4_000_000, using: &generator)) / 1_000_000
                var discontinuity = false
                switch Int.random(in: 0..<40, using: &generator) {
                case 0: date += Int64.random(in: 600...100_000, using: &generator)
                case 1: discontinuity = true
                case 2: initURI = "init_\(number).mp4"
                case 3: date += Int64.random(in: -400...400, using: &generator)
                default: break
                }
                let segment = ArchiveSegment(
                    sequenceNumber: number, uri: "seg\(number).m4s", initURI: initURI, date: date, duration: duration, size: number % 5000,
                    discontinuity: discontinuity, playlist: "")
                segments.append(segment)
                builder.append(segment)
                date += Int64((duration * 1000).rounded())
                number += Int.random(in: 1...2, using: &generator)
            }
            if round % 3 == 0 {
                let through = segments[Int.random(in: 0..<segments.count, using: &generator)].sequenceNumber
                builder.retire(through: through)
                segments.removeAll { $0.sequenceNumber <= through }
            }
            let index = builder.snapshot()
            #expect(Array(index.segments) == segments)
            // Offsets in whole microseconds, as the durations are.
            var offsets: [Int64] = [0]
            for segment in segments { offsets.append(offsets.last! + Int64((segment.duration * 1_000_000).rounded())) }
            for i in 0...segments.count { #expect(abs(index.offset(at: i) - Double(offsets[i]) / 1_000_000) < 1e-6) }
            #expect(index.totalSize == segments.reduce(0) { $0 + $1.size })
            for _ in 0..<50 {
                guard let first = segments.first, let last = segments.last else { break }
                let probe = Int64.random(in: (first.date - 5000)...(last.endDate + 5000), using: &generator)
                #expect(index.firstIndex(endingAfterDate: probe) == (segments.firstIndex { $0.endDate > probe } ?? segments.count))
                let seconds = Double.random(in: -1...(Double(offsets.last!) / 1_000_000 + 1), using: &generator)
                let micros = Int64((seconds * 1_000_000).rounded())
                #expect(
                    index.firstIndex(endingAfterOffset: seconds) == (segments.indices.first { offsets[$0 + 1] > micros } ?? segments.count))
                #expect(index.index(atOffset: seconds) == (segments.indices.last { offsets[$0] <= micros } ?? 0))
                let lower = Int.random(in: 0..<segments.count, using: &generator)
                let upper = Int.random(in: (lower + 1)...segments.count, using: &generator)
                #expect(index.spanRanges(in: lower..<upper) == Self.referenceSpans(segments, lower..<upper), "round \(round)")
                #expect(
                    index.discontinuitySequence(at: lower) - index.discontinuitySequence(at: 0)
                        == segments[..<lower].filter(\.discontinuity).count)
            }
        }
    }

    /// `RecordingSpan`'s rule, segment by segment.
    static func referenceSpans(_ segments: [ArchiveSegment], _ range: Range<Int>) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var start = range.lowerBound
        for i in range.dropFirst() {
            let previous = segments[i - 1]
            let segment = segments[i]
            if segment.discontinuity || segment.initURI != previous.initURI || abs(segment.date - previous.endDate) > 500 {
                spans.append(start..<i)
                start = i
            }
        }
        spans.append(start..<range.upperBound)
        return spans
    }
}
