import Testing

@testable import Playlist

/// The RetentionPolicy additions the packager uses for `append_list` resumes.
@Suite("RetentionPolicy: leftovers of an earlier run, fixed target duration")
struct RetentionResumeTests {
    static func segment(_ n: Int, _ duration: Double = 2, discontinuity: Bool = false) -> MediaSegment {
        MediaSegment(
            uri: "seg\(n).m4s", duration: duration, discontinuity: discontinuity,
            map: MediaInitializationSection(uri: "init.mp4"))
    }

    @Test func scheduledLeftoversGoFirstAfterTheirTime() {
        var policy = RetentionPolicy(
            configuration: .init(listSize: 2, deleteSegments: true, deleteThreshold: 1),
            playlist: MediaPlaylist(targetDuration: 2, mediaSequence: 10, segments: [Self.segment(10), Self.segment(11)]))
        policy.scheduleDeletion(
            of: [MediaSegment(uri: "seg8.m4s", duration: 0), MediaSegment(uri: "seg9.m4s", duration: 0)], deletableAt: 6)
        // seg10 leaves at t=2; the leftovers are older and become deletable at t=6.
        #expect(policy.append(Self.segment(12), now: 2).deletableFiles == [])
        let step = policy.append(Self.segment(13), now: 6)
        #expect(step.removed.map(\.uri) == ["seg11.m4s"])
        #expect(step.deletableFiles == ["seg8.m4s", "seg9.m4s"])
        #expect(policy.playlist.mediaSequence == 12)
    }

    @Test func leftoversIgnoredWithoutDeleteSegments() {
        var policy = RetentionPolicy(configuration: .init(listSize: 2), playlist: MediaPlaylist(targetDuration: 2))
        policy.scheduleDeletion(of: [MediaSegment(uri: "seg1.m4s", duration: 0)], deletableAt: 0)
        #expect(policy.pendingDeletion.isEmpty)
    }

    @Test func targetDurationIsSetOnce() {
        var policy = RetentionPolicy(configuration: .init(), playlist: MediaPlaylist(targetDuration: 0))
        policy.setTargetDuration(4)
        _ = policy.append(Self.segment(0, 3.9), now: 3.9)
        #expect(policy.playlist.targetDuration == 4)
        #expect(PlaylistWriter.write(policy.playlist).contains("#EXT-X-TARGETDURATION:4\n"))
    }

    /// The tags the packager's flags produce, written and read back.
    @Test(arguments: [
        (
            MediaPlaylist(
                targetDuration: 2, mediaSequence: 5, discontinuitySequence: 1, independentSegments: true,
                segments: [segment(5), segment(6, discontinuity: true)]),
            WriteOptions(roundDurations: true, baseURL: "https://cdn.example/live/"),
            """
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:5
            #EXT-X-DISCONTINUITY-SEQUENCE:1
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MAP:URI="https://cdn.example/live/init.mp4"
            #EXTINF:2,
            https://cdn.example/live/seg5.m4s
            #EXT-X-DISCONTINUITY
            #EXTINF:2,
            https://cdn.example/live/seg6.m4s

            """
        )
    ])
    func flagsAsWritten(playlist: MediaPlaylist, options: WriteOptions, text: String) throws {
        #expect(PlaylistWriter.write(playlist, options: options) == text)
        let parsed = try PlaylistParser.parseMedia(text)
        #expect(parsed.discontinuitySequence == 1 && parsed.independentSegments && !parsed.endList)
        #expect(parsed.segments.map(\.discontinuity) == [false, true])
    }
}
