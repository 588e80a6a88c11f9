import Foundation
import Segmenter
import Testing

@testable import Export

@Suite("Export: start, end and the edit list")
struct ExportSelectionTests {
    /// 30 s: 15 segments of one 2-s GOP each, 25 fps video + 48 kHz AAC.
    static func recording(_ name: String, reorder: Bool = false) throws -> SyntheticRecording {
        try SyntheticRecording(name, runs: [.init(gops: 15, reorder: reorder)])
    }

    @Test("starts on the keyframe at or before START; every track from that instant; END cuts at the last frame before it")
    func midGOPStart() throws {
        let source = try Self.recording("mid-gop")
        let files = try plan(ExportRequest(start: .seconds(7.3), end: .seconds(18)), source.playlistPath)
        try #require(files.count == 1)
        let samples = try ExportedSamples(files[0])
        // Keyframe at 6.0 s = frame 150; frames presented before 18.0 s end at frame 449.
        #expect(samples.video == Array(150..<450))
        // The AAC frame covering 6.0 s (6.0 × 48000 / 1024 = 281.25) to the last before 18 s (843.75).
        #expect(samples.audio == Array(281..<844))
        #expect(abs(files[0].start - 7.3) < 1e-6)
        #expect(abs(files[0].duration - 10.7) < 1e-6)
    }

    @Test("edit lists start presentation at START in every track and end it at END")
    func editList() throws {
        let source = try Self.recording("edit-list", reorder: true)
        let recording = try HLSRecording(contentsOf: source.playlistPath)
        let planner = ExportPlanner()
        let section = try planner.cache.initSection(at: recording.segments[0].initPath)
        let timeline = try ExportTimeline(
            recording: recording, segments: 3...9, section: section, cache: planner.cache, strict: false, logger: planner.logger)
        var selection = ExportSelection(timeline: timeline, start: 7.38, end: 18.1)
        try selection.select()
        let parts = try selection.split(maxDuration: nil, maxSize: nil, chunkDuration: 0.5)
        let (tracks, _) = selection.progressiveTracks(for: parts[0])
        try #require(tracks.count == 2)
        // Video: decode starts at the keyframe (6.0 s, presented 2 frames later at 6.08); presentation from 7.38 s
        // (7.3 s of the playlist) to 18.1 s, inside the last frame (18.08–18.12 s).
        #expect(tracks[0].presentationStart == Int64(((7.3 + 0.08 - 6.0) * 90_000).rounded()))
        #expect(tracks[0].presentationDuration == UInt64((10.72 * 90_000).rounded()))
        #expect(tracks[0].startDelay == 0)
        // Audio: from the frame covering 6.08 s (frame 285, at 6.08 s exactly) to START.
        #expect(tracks[1].presentationStart == Int64(((7.38 - 285 * 1024 / 48_000.0) * 48_000).rounded()))
        #expect(tracks[1].startDelay == 0)
    }

    @Test("audio only: starts at the audio frame at or before START")
    func audioOnly() throws {
        let source = try SyntheticRecording("audio-only", runs: [.init(gops: 5, video: false)])
        let files = try plan(ExportRequest(start: .seconds(3.3), duration: 2), source.playlistPath)
        let samples = try ExportedSamples(try #require(files.first))
        #expect(samples.video.isEmpty)
        // 3.3 s × 48000 / 1024 = 154.7 → frame 154; frames presented before 5.3 s: up to 248.4 → 248.
        #expect(samples.audio == Array(154...248))
    }

    @Test("times: seconds, hh:mm:ss, before the live edge, program date-time")
    func times() throws {
        let epoch: Int64 = 1_796_565_900_000  // 2026-12-06T14:05:00Z
        let source = try SyntheticRecording("dates", runs: [.init(gops: 10)], programDateTime: epoch)
        let recording = try HLSRecording(contentsOf: source.playlistPath)
        #expect(try recording.seconds(for: ExportTime(parsing: "7.3")) == 7.3)
        #expect(try recording.seconds(for: ExportTime(parsing: "00:00:07.5")) == 7.5)
        #expect(try recording.seconds(for: ExportTime(parsing: "-5")) == 15)
        #expect(try recording.seconds(for: ExportTime(parsing: "2026-12-06T14:05:07Z")) == 7)
        #expect(try recording.seconds(for: ExportTime(parsing: "2026-12-06T15:05:07.250+01:00")) == 7.25)
        #expect(exportErrorCode { _ = try ExportTime(parsing: "yesterday") } == .invalidTime)
        let undated = try SyntheticRecording("undated", runs: [.init(gops: 2)])
        #expect(
            exportErrorCode {
                _ = try HLSRecording(contentsOf: undated.playlistPath).seconds(for: ExportTime(parsing: "2026-12-06T14:05:07Z"))
            }
                == .noProgramDateTime)
    }
}
