import Foundation
import Playlist
import Segmenter
import Synchronization
import Testing

@testable import Packager

/// `append_list`, `beginDiscontinuity(tracks:)` and program date-times, in-process.
@Suite("append_list and discontinuities")
struct ResumeTests {
    static func configuration(_ flags: HLSFlags, type: PlaylistType? = .event, listSize: Int = 5) throws
        -> PackagerConfiguration
    {
        PackagerConfiguration(
            hlsTime: 1, playlistType: type, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"),
            listSize: listSize, flags: flags)
    }

    /// Writes `seconds` of AAC through a new packager and finishes it.
    @discardableResult
    static func run(
        _ directory: OutputDirectory, _ configuration: PackagerConfiguration, seconds: Int, sampleRate: Int = 48_000,
        clock: @escaping @Sendable () -> Int64 = StreamPackager.systemMilliseconds
    ) async throws -> StreamPackager.Summary {
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack(sampleRate: sampleRate)], directory: directory,
            configuration: configuration, logger: SyntheticStream.logger, wallClock: clock)
        for index in 0..<(seconds * sampleRate / 1024) { try await packager.write(SyntheticStream.audioPacket(index)) }
        return try await packager.finish()
    }

    @Test func appendContinuesNumberingWithOneDiscontinuity() async throws {
        let directory = try SyntheticStream.temporaryDirectory("append-same")
        let first = try await Self.run(directory, try Self.configuration([.appendList]), seconds: 4)
        let initBytes = try #require(try directory.read("init.mp4"))
        try await Self.run(directory, try Self.configuration([.appendList]), seconds: 3)
        let playlist = try SyntheticStream.readPlaylist(directory)

        #expect(playlist.segments.map(\.uri) == playlist.segments.indices.map { "seg\($0)" + ".m4s" })
        #expect(playlist.segments.map(\.discontinuity) == playlist.segments.indices.map { $0 == first.segmentCount })
        #expect(Set(playlist.segments.compactMap { $0.map?.uri }) == ["init.mp4"], "same codec: same init file")
        #expect(try directory.read("init.mp4") == initBytes)
        #expect(playlist.endList)
        #expect(PlaylistWriter.write(playlist).components(separatedBy: "#EXT-X-ENDLIST").count == 2)
    }

    @Test func freshStartHasNoDiscontinuity() async throws {
        let directory = try SyntheticStream.temporaryDirectory("append-fresh")
        try await Self.run(directory, try Self.configuration([.appendList]), seconds: 3)
        let playlist = try SyntheticStream.readPlaylist(directory)
        #expect(!playlist.segments.contains { $0.discontinuity })
        #expect(playlist.discontinuitySequence == 0)
    }

    @Test func codecChangeWritesNewInitFileAndNeverTouchesTheOld() async throws {
        let directory = try SyntheticStream.temporaryDirectory("append-codec")
        try await Self.run(directory, try Self.configuration([.appendList]), seconds: 3)
        let oldInit = try #require(try directory.read("init.mp4"))
        try await Self.run(directory, try Self.configuration([.appendList]), seconds: 3, sampleRate: 44_100)
        try await Self.run(directory, try Self.configuration([.appendList]), seconds: 3, sampleRate: 48_000)
        let playlist = try SyntheticStream.readPlaylist(directory)
        let text = try String(contentsOfFile: directory.filePath("index.m3u8"), encoding: .utf8)

        #expect(try directory.read("init.mp4") == oldInit)
        #expect(text.components(separatedBy: "#EXT-X-MAP:").count - 1 == 3, "\(text)")
        #expect(text.contains("#EXT-X-MAP:URI=\"init_1.mp4\"") && text.contains("#EXT-X-MAP:URI=\"init_2.mp4\""))
        #expect(playlist.segments.filter(\.discontinuity).count == 2)
        // Each map follows a discontinuity.
        var lastMap: String?
        for segment in playlist.segments {
            if segment.map?.uri != lastMap, lastMap != nil { #expect(segment.discontinuity) }
            lastMap = segment.map?.uri
        }
    }

    @Test func slidingWindowCountsDiscontinuitiesAsTheyLeave() async throws {
        let directory = try SyntheticStream.temporaryDirectory("append-dseq")
        let configuration = try Self.configuration([.appendList, .deleteSegments], type: nil, listSize: 3)
        for _ in 0..<4 { try await Self.run(directory, configuration, seconds: 2) }
        let playlist = try SyntheticStream.readPlaylist(directory)
        // 4 runs of 2 segments; window of 3 = the last 3: one discontinuity (run 4's start)
        // listed, two (runs 2 and 3) slid out.
        #expect(playlist.segments.count == 3)
        #expect(playlist.mediaSequence == 5)
        #expect(playlist.discontinuitySequence == 2)
        #expect(playlist.segments.map(\.discontinuity) == [false, true, false])
    }

    @Test func beginDiscontinuityWithNewTracks() async throws {
        let directory = try SyntheticStream.temporaryDirectory("discontinuity-api")
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory,
            configuration: try Self.configuration([]), logger: SyntheticStream.logger)
        for index in 0..<100 { try await packager.write(SyntheticStream.audioPacket(index)) }
        try await packager.beginDiscontinuity(tracks: [try SyntheticStream.audioTrack()])  // same codec
        for index in 0..<100 { try await packager.write(SyntheticStream.audioPacket(index)) }
        try await packager.beginDiscontinuity(tracks: [try SyntheticStream.audioTrack(sampleRate: 44_100)])
        for index in 0..<100 { try await packager.write(SyntheticStream.audioPacket(index)) }
        let open = try SyntheticStream.readPlaylist(directory)
        #expect(!open.endList, "the playlist stays open until finish()")
        _ = try await packager.finish()
        let playlist = try SyntheticStream.readPlaylist(directory)
        #expect(playlist.endList)
        #expect(playlist.segments.filter(\.discontinuity).count == 2)
        #expect(Array(Set(playlist.segments.compactMap { $0.map?.uri })).sorted() == ["init.mp4", "init_1.mp4"])
    }

    @Test func programDateTimeNeverGoesBackwards() async throws {
        let directory = try SyntheticStream.temporaryDirectory("pdt")
        // The clock jumps back an hour between the two runs.
        let now = Mutex<Int64>(1_790_000_000_000)
        let clock: @Sendable () -> Int64 = { now.withLock { $0 } }
        try await Self.run(directory, try Self.configuration([.appendList, .programDateTime]), seconds: 4, clock: clock)
        now.withLock { $0 -= 3_600_000 }
        try await Self.run(directory, try Self.configuration([.appendList, .programDateTime]), seconds: 4, clock: clock)
        let playlist = try SyntheticStream.readPlaylist(directory)
        let dates = playlist.segments.map { $0.programDateTime?.millisecondsSinceEpoch }
        #expect(!dates.contains(nil))
        for (a, b) in zip(playlist.segments, playlist.segments.dropFirst()) {
            let end = a.programDateTime!.millisecondsSinceEpoch + Int64((a.duration * 1000).rounded())
            #expect(b.programDateTime!.millisecondsSinceEpoch >= end)
        }
        #expect(playlist.segments.first?.programDateTime?.millisecondsSinceEpoch == 1_790_000_000_000)
    }

    @Test func staleTemporaryFilesAreRemoved() async throws {
        let directory = try SyntheticStream.temporaryDirectory("stale-tmp")
        try directory.write("partial", to: ".seg7.m4s.tmp")
        try directory.write("partial", to: ".index.m3u8.tmp")
        try directory.write("keep", to: ".unrelated.tmp")
        try await Self.run(directory, try Self.configuration([.appendList]), seconds: 2)
        let files = try SyntheticStream.files(directory)
        #expect(!files.contains(".seg7.m4s.tmp") && !files.contains(".index.m3u8.tmp"))
        #expect(files.contains(".unrelated.tmp"))
    }
}

@Suite("hls_flags and start numbers")
struct FlagTests {
    @Test func parsesFFmpegSpelling() throws {
        #expect(try HLSFlags(parsing: "delete_segments+append_list") == [.deleteSegments, .appendList])
        #expect(try HLSFlags(parsing: "+program_date_time+temp_file") == [.programDateTime, .tempFile])
        #expect(try HLSFlags(parsing: "") == [])
        #expect(try HLSFlags(parsing: "omit_endlist+round_durations-round_durations") == [.omitEndlist])
        let all = try HLSFlags(parsing: HLSFlags.names.map(\.name).joined(separator: "+"))
        #expect(all.text == HLSFlags.names.map(\.name).joined(separator: "+"))
    }

    @Test(arguments: ["delete_segment", "single_file", "iframes_only", "append_list+bogus"])
    func rejects(_ text: String) {
        #expect(throws: PackagerError.self) { try HLSFlags(parsing: text) }
    }

    @Test func startNumberSources() {
        let micros: Int64 = 1_790_000_000_123_456  // 2026-09-21T14:13:20.123Z
        #expect(StartNumberSource.generic.startNumber(startNumber: 7, microsecondsSinceEpoch: micros) == 7)
        #expect(StartNumberSource.epoch.startNumber(startNumber: 7, microsecondsSinceEpoch: micros) == 1_790_000_000)
        #expect(StartNumberSource.epochMicroseconds.startNumber(startNumber: 7, microsecondsSinceEpoch: micros) == Int(micros))
        #expect(StartNumberSource.datetime.startNumber(startNumber: 7, microsecondsSinceEpoch: micros) == 20_260_921_141_320)
        #expect(
            StartNumberSource.datetime.startNumber(startNumber: 7, microsecondsSinceEpoch: micros, utcOffsetMinutes: 120)
                == 20_260_921_161_320)
    }

    @Test func initFileGenerations() throws {
        let configuration = PackagerConfiguration(segmentFilename: try SegmentFilenameTemplate("s%d.m4s"))
        #expect(configuration.initFilename(generation: 0) == "init.mp4")
        #expect(configuration.initFilename(generation: 2) == "init_2.mp4")
        var other = configuration
        other.initFilename = "header"
        #expect(other.initFilename(generation: 1) == "header_1")
    }

    @Test func templateNumbers() throws {
        let template = try SegmentFilenameTemplate("seg%03d.m4s")
        #expect(template.number(in: "seg007.m4s") == 7)
        #expect(template.number(in: "seg1234.m4s") == 1234)
        #expect(template.number(in: "seg7.m4s") == nil)
        #expect(template.number(in: "seg.m4s") == nil)
        #expect(template.number(in: "init.mp4") == nil)
    }
}

@Suite("append_list with delete_segments: leftovers of a stopped run")
struct LeftoverTests {
    @Test func leftoversOfAStoppedLiveRunAreDeletedLater() async throws {
        let directory = try SyntheticStream.temporaryDirectory("leftovers")
        let configuration = try ResumeTests.configuration([.appendList, .deleteSegments], type: nil, listSize: 2)
        try await ResumeTests.run(directory, configuration, seconds: 10)
        let afterFirst = try SyntheticStream.files(directory).filter { $0.hasSuffix(".m4s") }
        #expect(afterFirst.count > 2, "segments in their grace time stay on disk at the end")
        try await ResumeTests.run(directory, configuration, seconds: 20)
        let playlist = try SyntheticStream.readPlaylist(directory)
        let files = try SyntheticStream.files(directory)
        // The first run's leftovers (numbered below its last window) are gone.
        let template = try SegmentFilenameTemplate("seg%d.m4s")
        let numbers = files.compactMap { template.number(in: $0) }
        #expect(numbers.min()! >= 9, "\(files.sorted())")
        for segment in playlist.segments { #expect(files.contains(segment.uri)) }
    }
}
