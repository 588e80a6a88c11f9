import Export
import Playlist
import Testing

/// `HLSRecording.spans`: breaks at a discontinuity, a gap in the dates and a new init segment;
/// undated segments count on from the last date; a range keeps the overlapping segments whole.
@Suite("recording spans")
struct RecordingSpanTests {
    static let t0: Int64 = 1_796_000_000_000  // 2026-11-30T…, any instant

    /// 2-s segments: three, a reconnect (discontinuity) and two, a 10-s gap and one, then a new
    /// init segment and two more (the second of them without a date of its own).
    static var recording: HLSRecording {
        get throws {
            let map = MediaInitializationSection(uri: "init.mp4")
            var segments: [MediaSegment] = []
            var clock = t0
            func add(discontinuity: Bool = false, map: MediaInitializationSection = map, dated: Bool = true) {
                segments.append(
                    MediaSegment(
                        uri: "seg\(segments.count).m4s", duration: 2, discontinuity: discontinuity, map: map,
                        programDateTime: dated ? ProgramDateTime(millisecondsSinceEpoch: clock) : nil))
                clock += 2000
            }
            for _ in 0..<3 { add() }
            clock += 1000  // the reconnect took a second
            add(discontinuity: true)
            add()
            clock += 10_000
            add()
            let next = MediaInitializationSection(uri: "init_1.mp4")
            add(map: next)
            add(map: next, dated: false)
            return try HLSRecording(
                playlist: MediaPlaylist(targetDuration: 2, playlistType: .event, segments: segments), playlistPath: "/rec/cam/index.m3u8")
        }
    }

    @Test func spansBreakAtReconnectsGapsAndCodecChanges() throws {
        let spans = try Self.recording.spans()
        #expect(spans.map(\.segments) == [3, 2, 1, 2])
        #expect(spans.map(\.start.millisecondsSinceEpoch) == [Self.t0, Self.t0 + 7000, Self.t0 + 21_000, Self.t0 + 23_000])
        #expect(spans.map(\.duration) == [6, 4, 2, 4])
        #expect(spans.last?.end.millisecondsSinceEpoch == Self.t0 + 27_000)
    }

    @Test func aRangeKeepsTheOverlappingSegmentsWhole() throws {
        // Playlist seconds 5…9: the third segment (4–6), the fourth (6–8) and the fifth (8–10).
        let spans = try Self.recording.spans(overlapping: 5..<9)
        #expect(spans.map(\.segments) == [1, 2])
        #expect(spans.map(\.start.millisecondsSinceEpoch) == [Self.t0 + 4000, Self.t0 + 7000])
    }

    @Test func aPlaylistWithoutDatesHasNoSpans() throws {
        let recording = try HLSRecording(
            playlist: MediaPlaylist(
                targetDuration: 2, segments: [MediaSegment(uri: "a.m4s", duration: 2, map: MediaInitializationSection(uri: "i.mp4"))]),
            playlistPath: "/rec/x/index.m3u8")
        let error = #expect(throws: ExportError.self) { try recording.spans() }
        #expect(error?.code == .noProgramDateTime)
    }
}
