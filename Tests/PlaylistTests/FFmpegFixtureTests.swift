import Testing

@testable import Playlist

/// Parse-only table: playlists made by FFmpeg's hlsenc read as the values we expect.
@Suite struct FFmpegFixtureTests {
    @Test func fmp4EventWithProgramDateTime() throws {
        let p = try PlaylistParser.parseMedia(Fixtures.ffmpegFMP4Event)
        #expect(p.targetDuration == 2)
        #expect(p.mediaSequence == 0)
        #expect(p.playlistType == .event)
        #expect(p.endList)
        #expect(p.version == 6)  // FFmpeg writes 7; 6 is what EXT-X-MAP needs
        #expect(p.segments.count == 6)
        #expect(p.segments.map(\.uri) == (0..<6).map { "index\($0).m4s" })
        #expect(p.segments.allSatisfy { $0.duration == 2 && $0.map == MediaInitializationSection(uri: "init.mp4") })
        let first = try #require(p.segments[0].programDateTime)
        #expect(first.iso8601 == "2026-11-21T19:39:17.002Z")
        #expect(first.utcOffsetMinutes == 0)
        for (a, b) in zip(p.segments, p.segments.dropFirst()) {
            #expect(b.programDateTime!.millisecondsSinceEpoch - a.programDateTime!.millisecondsSinceEpoch == 2000)
        }
        #expect(p.unknownTags.isEmpty)
    }

    @Test func mpegtsVOD() throws {
        let p = try PlaylistParser.parseMedia(Fixtures.ffmpegMPEGTSVOD)
        #expect(p.playlistType == .vod)
        #expect(p.version == 3)
        #expect(p.segments.map(\.duration) == [2, 2, 2, 2, 1])
        #expect(p.segments.allSatisfy { $0.map == nil && $0.programDateTime == nil && $0.title == "" })
        #expect(p.duration == 9)
    }

    @Test func liveWindowAfterDeleteSegments() throws {
        let p = try PlaylistParser.parseMedia(Fixtures.ffmpegFMP4LiveDelete)
        #expect(p.playlistType == nil)
        #expect(p.mediaSequence == 4)
        #expect(p.independentSegments)
        #expect(p.segments.map(\.uri) == ["index4.m4s", "index5.m4s", "index6.m4s"])
        #expect(p.segments.allSatisfy { $0.map?.uri == "init.mp4" })
    }

    @Test func appendListDiscontinuityAndDateTimeJump() throws {
        let p = try PlaylistParser.parseMedia(Fixtures.ffmpegAppendListDiscontinuity)
        #expect(p.mediaSequence == 2)
        #expect(p.discontinuitySequence == 0)
        #expect(!p.endList)
        #expect(p.segments.map(\.discontinuity) == [false, false, true, false, false])
        #expect(p.segments.last?.duration == 1)
        // FFmpeg's append_list lets program date-time go backwards at the discontinuity.
        #expect(p.segments[3].programDateTime!.millisecondsSinceEpoch < p.segments[1].programDateTime!.millisecondsSinceEpoch)
    }

    @Test func roundDurationsWithBaseURL() throws {
        let p = try PlaylistParser.parseMedia(Fixtures.ffmpegRoundDurationsBaseURL)
        #expect(p.targetDuration == 3)
        #expect(p.segments.map(\.duration) == [3, 2, 2, 1])
        #expect(p.segments[0].uri == "http://cdn.example/x/index0.ts")
        #expect(p.version(roundDurations: true) == 1)
    }

    @Test func ntscDurations() throws {
        let p = try PlaylistParser.parseMedia(Fixtures.ffmpegNTSCFMP4)
        #expect(p.segments.map(\.duration) == [2.002, 2.002, 2.002, 1.001])
        #expect(p.segments.allSatisfy { $0.map?.uri == "init_0.mp4" })
        #expect(p.requiredTargetDuration == 2)
        #expect(PlaylistWriter.write(p).contains("#EXTINF:2.002,\nseg0.m4s\n"))
    }

    @Test(arguments: Fixtures.all.map(\.name))
    func rewriteKeepsTheValue(_ name: String) throws {
        let text = try #require(Fixtures.all.first { $0.name == name }).text
        let parsed = try PlaylistParser.parseMedia(text)
        let rewritten = PlaylistWriter.write(parsed)
        #expect(try PlaylistParser.parseMedia(rewritten) == parsed)
        #expect(PlaylistWriter.write(try PlaylistParser.parseMedia(rewritten)) == rewritten)
    }
}
