import TestSupport
import Testing

@testable import Playlist

/// `IncrementalPlaylistWriter` must write exactly what `PlaylistWriter.write` writes, whatever
/// happened to the playlist since its previous call.
@Suite("IncrementalPlaylistWriter")
struct IncrementalPlaylistWriterTests {
    static let optionSets: [WriteOptions] = [
        .init(), .init(roundDurations: true), .init(baseURL: "https://cdn.example/live/"),
    ]

    @Test("same text as PlaylistWriter after every append, for each set of options", arguments: optionSets)
    func appendsMatchFullRendering(options: WriteOptions) {
        var playlist = MediaPlaylist(targetDuration: 2, playlistType: .event, independentSegments: true)
        var writer = IncrementalPlaylistWriter(options: options)
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist, options: options))
        for number in 0..<40 {
            var segment = MediaSegment(
                uri: "seg\(number).m4s", duration: 2 + Double(number % 3) / 1000,
                map: MediaInitializationSection(uri: number < 20 ? "init.mp4" : "init_1.mp4"))
            segment.discontinuity = number == 20
            if number % 10 == 0 {
                segment.programDateTime = ProgramDateTime(millisecondsSinceEpoch: 1_795_000_000_000 + Int64(number) * 2000)
            }
            if number == 7 { segment.unknownTags = ["#EXT-X-GAP"] }
            playlist.segments.append(segment)
            if number == 30 { playlist.targetDuration = 3 }  // header changes are written anew
            #expect(writer.write(playlist) == PlaylistWriter.write(playlist, options: options), "after segment \(number)")
        }
        playlist.endList = true
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist, options: options))
    }

    @Test("a sliding window, a replaced segment, a shorter or a different playlist are rendered again")
    func changesOtherThanAppendsRenderAgain() {
        func segment(_ number: Int, _ uri: String? = nil) -> MediaSegment {
            MediaSegment(uri: uri ?? "seg\(number).m4s", duration: 2, map: MediaInitializationSection(uri: "init.mp4"))
        }
        var writer = IncrementalPlaylistWriter()
        var playlist = MediaPlaylist(targetDuration: 2, segments: (0..<5).map { segment($0) })
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist))

        // The window slides: the first segment leaves, the sequence number moves on.
        playlist.segments.removeFirst()
        playlist.mediaSequence += 1
        playlist.segments.append(segment(5))
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist))

        // The last rendered segment replaced (same count, same sequence).
        playlist.segments[playlist.segments.count - 1] = segment(5, "other.m4s")
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist))

        // Fewer segments than rendered, then none at all.
        playlist.segments.removeLast(2)
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist))
        playlist.segments = []
        #expect(writer.write(playlist) == PlaylistWriter.write(playlist))

        // A different playlist whose segments start the same way: the map of the rendered part
        // must not leak into it.
        let other = MediaPlaylist(
            targetDuration: 2, segments: [MediaSegment(uri: "a.m4s", duration: 2, map: MediaInitializationSection(uri: "x.mp4"))])
        #expect(writer.write(other) == PlaylistWriter.write(other))
    }

    @Test("random sequences of appends, slides, replaced last segments and header changes match the full rendering")
    func randomHistoriesMatch() {
        var random = SeededRandom(seed: 0x5EED_F00D)
        for round in 0..<50 {
            var writer = IncrementalPlaylistWriter()
            var playlist = MediaPlaylist(targetDuration: 4, playlistType: round % 2 == 0 ? .event : nil)
            var next = 0
            for step in 0..<80 {
                switch Int.random(in: 0..<10, using: &random) {
                case 0 where !playlist.segments.isEmpty:  // slide
                    playlist.segments.removeFirst()
                    playlist.mediaSequence += 1
                case 1 where !playlist.segments.isEmpty:  // the last one replaced (listed ones never change)
                    playlist.segments[playlist.segments.count - 1].title = "edited \(step)"
                case 2:
                    playlist.discontinuitySequence += 1
                case 3 where playlist.segments.count > 1:  // several leave at once (retention), and one comes
                    let count = Int.random(in: 1..<playlist.segments.count, using: &random)
                    playlist.segments.removeFirst(count)
                    playlist.mediaSequence += count
                    playlist.segments.append(
                        MediaSegment(uri: "s\(next).m4s", duration: 2, programDateTime: .init(millisecondsSinceEpoch: Int64(next))))
                    next += 1
                default:
                    var segment = MediaSegment(
                        uri: "s\(next).m4s", duration: Double.random(in: 0.5...4, using: &random),
                        map: MediaInitializationSection(uri: "init_\(Int.random(in: 0..<2, using: &random)).mp4"))
                    segment.discontinuity = Bool.random(using: &random)
                    playlist.segments.append(segment)
                    next += 1
                }
                #expect(writer.write(playlist) == PlaylistWriter.write(playlist), "round \(round), step \(step)")
            }
        }
    }
}
