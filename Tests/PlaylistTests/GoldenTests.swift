import Testing

@testable import Playlist

/// One table drives both directions: value → exact text, text → the same value.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var playlist: MediaPlaylist
    var options: WriteOptions = .init()
    var text: String
    var testDescription: String { name }
}

private let initMP4 = MediaInitializationSection(uri: "init.mp4")
private let t0 = ProgramDateTime(iso8601: "2026-11-21T19:35:55.123Z")!

let goldenCases: [GoldenCase] = [
    GoldenCase(
        name: "empty sliding live",
        playlist: MediaPlaylist(targetDuration: 2),
        text: """
            #EXTM3U
            #EXT-X-VERSION:1
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:0

            """),
    GoldenCase(
        name: "mpegts event, decimal durations",
        playlist: MediaPlaylist(
            targetDuration: 2, playlistType: .event,
            segments: [
                MediaSegment(uri: "seg0.ts", duration: 2),
                MediaSegment(uri: "seg1.ts", duration: 2.002),
                MediaSegment(uri: "seg2.ts", duration: 1.966667, title: "last one"),
            ]),
        text: """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:EVENT
            #EXTINF:2.000,
            seg0.ts
            #EXTINF:2.002,
            seg1.ts
            #EXTINF:1.966667,last one
            seg2.ts

            """),
    GoldenCase(
        name: "fmp4 live window with discontinuity, map change and date-time",
        playlist: MediaPlaylist(
            targetDuration: 2, mediaSequence: 37, discontinuitySequence: 2, independentSegments: true,
            segments: [
                MediaSegment(uri: "seg37.m4s", duration: 2, map: initMP4, programDateTime: t0),
                MediaSegment(uri: "seg38.m4s", duration: 2, map: initMP4),
                MediaSegment(
                    uri: "seg39.m4s", duration: 1.5, discontinuity: true,
                    map: MediaInitializationSection(uri: "init_1.mp4"),
                    programDateTime: ProgramDateTime(iso8601: "2026-11-21T20:00:00.000+02:00")),
            ]),
        text: """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:37
            #EXT-X-DISCONTINUITY-SEQUENCE:2
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="init.mp4"
            #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:35:55.123Z
            #EXTINF:2.000,
            seg37.m4s
            #EXTINF:2.000,
            seg38.m4s
            #EXT-X-DISCONTINUITY
            #EXT-X-MAP:URI="init_1.mp4"
            #EXT-X-PROGRAM-DATE-TIME:2026-11-21T20:00:00.000+02:00
            #EXTINF:1.500,
            seg39.m4s

            """),
    GoldenCase(
        name: "vod with map byte range and end list",
        playlist: MediaPlaylist(
            targetDuration: 4, playlistType: .vod, endList: true,
            segments: [
                MediaSegment(
                    uri: "all.mp4", duration: 4,
                    map: MediaInitializationSection(uri: "all.mp4", byteRange: ByteRange(length: 720, offset: 0)))
            ]),
        text: """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:4
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-MAP:URI="all.mp4",BYTERANGE="720@0"
            #EXTINF:4.000,
            all.mp4
            #EXT-X-ENDLIST

            """),
    GoldenCase(
        name: "unknown tags kept in place",
        playlist: MediaPlaylist(
            targetDuration: 6, mediaSequence: 5,
            segments: [
                MediaSegment(
                    uri: "a.ts", duration: 6, programDateTime: t0, unknownTags: ["#EXT-X-KEY:METHOD=NONE"]),
                MediaSegment(uri: "b.ts", duration: 5.5, unknownTags: ["#EXT-X-GAP", "#EXT-X-BITRATE:800"]),
            ], unknownTags: ["#EXT-X-START:TIME-OFFSET=-12.0"]),
        text: """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:6
            #EXT-X-MEDIA-SEQUENCE:5
            #EXT-X-START:TIME-OFFSET=-12.0
            #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:35:55.123Z
            #EXT-X-KEY:METHOD=NONE
            #EXTINF:6.000,
            a.ts
            #EXT-X-GAP
            #EXT-X-BITRATE:800
            #EXTINF:5.500,
            b.ts

            """),
]

@Test(arguments: goldenCases)
func writesExactText(_ golden: GoldenCase) {
    #expect(PlaylistWriter.write(golden.playlist, options: golden.options) == golden.text)
}

@Test(arguments: goldenCases)
func parsesGoldenTextBack(_ golden: GoldenCase) throws {
    let parsed = try PlaylistParser.parseMedia(golden.text)
    #expect(parsed == golden.playlist)
}

@Test(arguments: goldenCases)
func roundTripIsStable(_ golden: GoldenCase) throws {
    let once = PlaylistWriter.write(try PlaylistParser.parseMedia(golden.text))
    let twice = PlaylistWriter.write(try PlaylistParser.parseMedia(once))
    #expect(once == twice)
}

@Test func writeOptionsRoundDurationsAndBaseURL() {
    let playlist = MediaPlaylist(
        targetDuration: 3, endList: true,
        segments: [
            MediaSegment(uri: "seg0.m4s", duration: 2.5, map: initMP4),
            MediaSegment(uri: "seg1.m4s", duration: 2.4999),
            MediaSegment(uri: "seg2.m4s", duration: 0.9),
        ])
    let text = PlaylistWriter.write(
        playlist, options: WriteOptions(roundDurations: true, baseURL: "https://cdn.example/live/"))
    #expect(
        text == """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:3
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-MAP:URI="https://cdn.example/live/init.mp4"
            #EXTINF:3,
            https://cdn.example/live/seg0.m4s
            #EXTINF:2,
            https://cdn.example/live/seg1.m4s
            #EXTINF:1,
            https://cdn.example/live/seg2.m4s
            #EXT-X-ENDLIST

            """)
}

@Test(arguments: [
    (2.0, "2.000"), (2.002, "2.002"), (1.966667, "1.966667"), (1.9666666666, "1.966667"),
    (0, "0.000"), (0.0000004, "0.000"), (0.0000005, "0.000001"), (10.1, "10.100"), (3600.25, "3600.250"),
    (-1, "0.000"), (.nan, "0.000"), (.infinity, "0.000"), (2.00000049, "2.000"), (1.0000001, "1.000"),
])
func extinfFormatting(_ seconds: Double, _ text: String) {
    #expect(DecimalText.seconds(seconds) == text)
}

@Test func lineBreaksInValuesCannotInjectTags() throws {
    let playlist = MediaPlaylist(
        targetDuration: 2,
        segments: [
            MediaSegment(
                uri: "#seg\n#EXT-X-ENDLIST", duration: 2, title: "a\r\n#EXT-X-ENDLIST",
                map: MediaInitializationSection(uri: "in\"it.mp4"))
        ])
    let text = PlaylistWriter.write(playlist)
    #expect(!text.contains("\n#EXT-X-ENDLIST"))
    #expect(text.contains("#EXT-X-MAP:URI=\"in%22it.mp4\""))
    let parsed = try PlaylistParser.parseMedia(text)
    #expect(parsed.segments.count == 1)
    #expect(parsed.endList == false)
}

@Test(arguments: [
    // (segments, roundDurations, version)
    ([MediaSegment](), false, 1),
    ([MediaSegment(uri: "a.ts", duration: 2)], false, 3),
    ([MediaSegment(uri: "a.ts", duration: 2)], true, 1),
    ([MediaSegment(uri: "a.m4s", duration: 2, map: MediaInitializationSection(uri: "i.mp4"))], false, 6),
    ([MediaSegment(uri: "a.m4s", duration: 2, map: MediaInitializationSection(uri: "i.mp4"))], true, 6),
    (
        [
            MediaSegment(uri: "a.ts", duration: 2),
            MediaSegment(uri: "b.m4s", duration: 2, map: MediaInitializationSection(uri: "i.mp4")),
        ], false, 6
    ),
])
func versionIsTheLowestNeeded(_ segments: [MediaSegment], _ round: Bool, _ version: Int) {
    let playlist = MediaPlaylist(targetDuration: 2, segments: segments)
    #expect(playlist.version(roundDurations: round) == version)
    let text = PlaylistWriter.write(playlist, options: WriteOptions(roundDurations: round))
    #expect(text.contains("#EXT-X-VERSION:\(version)\n"))
}

@Test func requiredTargetDurationRoundsAsWritten() {
    func target(_ durations: [Double]) -> Int {
        MediaPlaylist(targetDuration: 0, segments: durations.map { MediaSegment(uri: "s", duration: $0) })
            .requiredTargetDuration
    }
    #expect(target([]) == 0)
    #expect(target([2.0, 2.002, 1.5]) == 2)
    #expect(target([2.4999994]) == 2)
    #expect(target([2.4999996]) == 3)  // written as 2.500000, which a player rounds to 3
    #expect(target([2.5]) == 3)
    #expect(target([5.9, 0.2]) == 6)
}

/// An unknown tag before the first segment's first known tag cannot be told from a header tag:
/// it is kept at playlist level, and written back at the same place, so the text survives.
@Test func unknownTagBeforeFirstSegmentIsAHeaderTag() throws {
    let text = """
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXT-X-KEY:METHOD=NONE
        #EXTINF:6,
        a.ts
        #EXT-X-PRELOAD-HINT:TYPE=PART,URI="next.mp4"

        """
    let p = try PlaylistParser.parseMedia(text)
    #expect(p.unknownTags == ["#EXT-X-KEY:METHOD=NONE", "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"next.mp4\""])
    #expect(p.segments[0].unknownTags.isEmpty)
    #expect(try PlaylistParser.parseMedia(PlaylistWriter.write(p)) == p)
}
