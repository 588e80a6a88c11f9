import Foundation
import Logging
import Segmenter
import TestSupport
import Testing

@testable import Export

@Suite("Export: one time line across discontinuities and missing segments")
struct ExportTimelineTests {
    @Test("a reconnect (time restarting at 0, audio 2 frames late): no hole, tracks resume together with their offset")
    func reconnect() throws {
        let source = try SyntheticRecording(
            "reconnect", runs: [.init(gops: 3), .init(gops: 3, timeOrigin: 0, audioLeadIn: 2)])
        let recording = try HLSRecording(contentsOf: source.playlistPath)
        let cache = SegmentIndexCache()
        let section = try cache.initSection(at: recording.segments[0].initPath)
        let timeline = try ExportTimeline(
            recording: recording, segments: 0...5, section: section, cache: cache, strict: false, logger: Logger(label: "test"))
        let video = timeline.tracks[0]
        let audio = timeline.tracks[1]
        #expect(video.samples.count == 300)
        #expect(audio.samples.count == source.sampleCounts[2])
        // Decode times run on without a hole or an overlap in both tracks.
        for track in [video, audio] {
            for index in track.samples.indices.dropFirst() {
                let previous = track.samples[index - 1]
                #expect(previous.decodeTime + Int64(previous.duration) == track.samples[index].decodeTime)
            }
        }
        // The second run starts where the first ended (6 s, the later of the two tracks' ends) …
        let videoJoin = video.presentationSeconds(150)
        let firstAudioOfRun2 = try #require(audio.samples.firstIndex { $0.source == 3 })
        let audioJoin = audio.presentationSeconds(firstAudioOfRun2)
        let firstRunAudioEnd = audio.endSeconds(firstAudioOfRun2 - 1)
        #expect(videoJoin >= 6.0 - 1e-9)
        // … and keeps the source's offset: audio 2 frames after video.
        #expect(abs((audioJoin - videoJoin) - 2 * 1024 / 48_000.0) < 1.0 / 48_000)
        // The track that ended earlier was lengthened to reach its next sample.
        #expect(abs(firstRunAudioEnd - audioJoin) < 1e-9)
        #expect(abs(video.endSeconds(149) - videoJoin) < 1e-9)
        // Export of the whole recording holds every sample once.
        let files = try plan(ExportRequest(), source.playlistPath)
        let samples = try ExportedSamples(try #require(files.first))
        #expect(files.count == 1)
        #expect(samples.video == Array(0..<300))
        #expect(samples.audio == Array(0..<source.sampleCounts[2]!))
    }

    @Test("a missing segment inside the range: skipped with a warning and the gap closed; strict mode refuses it")
    func missingSegment() throws {
        let source = try SyntheticRecording("missing", runs: [.init(gops: 6)])
        try FileManager.default.removeItem(at: source.folder.appendingPathComponent("seg2.m4s"))
        let lines = RecordingLogHandler.Lines()
        let files = try plan(ExportRequest(), source.playlistPath, lines: lines)
        #expect(lines.contains("seg2.m4s is missing"))
        let samples = try ExportedSamples(try #require(files.first))
        #expect(samples.video == Array(0..<100) + Array(150..<300))
        #expect(abs(files[0].duration - 10) < 0.03)
        #expect(exportErrorCode { _ = try plan(ExportRequest(strict: true), source.playlistPath) } == .missingSegment)
    }

    @Test("a truncated segment is skipped like a missing one")
    func truncatedSegment() throws {
        let source = try SyntheticRecording("truncated", runs: [.init(gops: 4)])
        let url = source.folder.appendingPathComponent("seg1.m4s")
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 10).write(to: url)
        let lines = RecordingLogHandler.Lines()
        let samples = try ExportedSamples(try #require(try plan(ExportRequest(), source.playlistPath, lines: lines).first))
        #expect(lines.contains("seg1.m4s is damaged"))
        #expect(samples.video == Array(0..<50) + Array(100..<200))
    }

    @Test("a codec-configuration change starts a new file")
    func codecChange() throws {
        let source = try SyntheticRecording("codec-change", runs: [.init(gops: 2), .init(gops: 2, width: 640)])
        let files = try plan(ExportRequest(start: .seconds(1), end: .seconds(7)), source.playlistPath)
        try #require(files.count == 2)
        let first = try ExportedSamples(files[0])
        let second = try ExportedSamples(files[1])
        #expect(first.video == Array(0..<100))
        #expect(second.video == Array(100..<175))
        #expect(abs(files[0].start - 1) < 1e-6)
        #expect(abs(files[1].start - 4) < 1e-6)
    }
}
