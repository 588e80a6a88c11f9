import Testing

@testable import Playlist

@Suite struct RetentionPolicyTests {
    static let initA = MediaInitializationSection(uri: "init.mp4")
    static let initB = MediaInitializationSection(uri: "init_1.mp4")
    static let discontinuities: Set<Int> = [10, 20, 25]

    /// Segment n of a 2-second stream; the codec changes at 20 (new init file, discontinuity).
    static func segment(_ n: Int) -> MediaSegment {
        MediaSegment(
            uri: "seg\(n).m4s", duration: 2, discontinuity: discontinuities.contains(n), map: n < 20 ? initA : initB)
    }

    static func sliding(listSize: Int = 5, delete: Bool = true, threshold: Int = 1) -> RetentionPolicy {
        RetentionPolicy(
            configuration: .init(listSize: listSize, deleteSegments: delete, deleteThreshold: threshold),
            playlist: MediaPlaylist(targetDuration: 2))
    }

    /// Window of 5 over 40 two-second segments, `now` = end of the segment just appended.
    /// Segment j leaves when j + 5 is appended (now = 2j + 12) and was listed by playlists of at
    /// most 10 s, so its grace ends at 2j + 12 + 2 + 10 = 2j + 24: it becomes deletable when
    /// segment j + 11 is appended. FFmpeg (threshold 1) would delete it at j + 6.
    @Test func slidingWindowOfFiveOverForty() {
        var policy = Self.sliding()
        var deleted: [String] = []
        for k in 0..<40 {
            let step = policy.append(Self.segment(k), now: Double(2 * (k + 1)))
            let first = max(0, k - 4)
            #expect(policy.playlist.segments.map(\.uri) == (first...k).map { "seg\($0).m4s" })
            #expect(policy.playlist.mediaSequence == first)
            #expect(policy.playlist.discontinuitySequence == Self.discontinuities.filter { $0 < first }.count)
            #expect(step.removed.map(\.uri) == (k >= 5 ? ["seg\(k - 5).m4s"] : []))
            var expected = k >= 11 ? ["seg\(k - 11).m4s"] : []
            if k - 11 == 19 { expected.append("init.mp4") }  // last user of init.mp4 is gone
            #expect(step.deletableFiles == expected, "step \(k)")
            deleted += step.deletableFiles
            // Never delete anything still listed, or still within its grace time.
            for listed in policy.playlist.segments { #expect(!deleted.contains(listed.uri)) }
        }
        #expect(deleted.count == 29 + 1)
        #expect(!deleted.contains("init_1.mp4"))
        #expect(policy.pendingDeletion.map(\.segment.uri) == (29..<35).map { "seg\($0).m4s" })
        #expect(policy.pendingDeletion.first?.deletableAt == Double(2 * 29 + 24))
        // The input stops; time goes on: all but the newest (threshold 1) become deletable.
        policy.end()
        #expect(policy.playlist.endList)
        #expect(policy.releaseExpired(now: 80 + 1) == [])
        #expect(policy.releaseExpired(now: 2 * 33 + 24) == (29...33).map { "seg\($0).m4s" })
        #expect(policy.releaseExpired(now: 10_000) == [])
    }

    @Test(arguments: [PlaylistType.event, .vod])
    func eventAndVODNeverDrop(_ type: PlaylistType) {
        var policy = RetentionPolicy(
            configuration: .init(listSize: 3, deleteSegments: true),
            playlist: MediaPlaylist(targetDuration: 2, playlistType: type))
        for k in 0..<20 {
            let step = policy.append(Self.segment(k), now: Double(2 * (k + 1)))
            #expect(step == RetentionPolicy.Step())
        }
        #expect(policy.playlist.segments.count == 20)
        #expect(policy.playlist.mediaSequence == 0)
        #expect(!policy.slides)
    }

    @Test func listSizeZeroKeepsAll() {
        var policy = Self.sliding(listSize: 0)
        for k in 0..<30 { #expect(policy.append(Self.segment(k), now: Double(k)) == RetentionPolicy.Step()) }
        #expect(policy.playlist.segments.count == 30)
    }

    @Test func withoutDeleteSegmentsNothingIsDeletable() {
        var policy = Self.sliding(delete: false)
        for k in 0..<30 {
            let step = policy.append(Self.segment(k), now: Double(2 * (k + 1)))
            #expect(step.deletableFiles.isEmpty)
            #expect(step.removed.count == (k >= 5 ? 1 : 0))
        }
        #expect(policy.pendingDeletion.isEmpty)
        #expect(policy.playlist.mediaSequence == 25)
        #expect(policy.playlist.discontinuitySequence == 2)  // 10 and 20 left; 25 is listed
    }

    /// `hls_delete_threshold` is a floor: with 4, the four newest removed files stay even when
    /// their grace time is long over.
    @Test(arguments: [(0, 6), (1, 5), (4, 2), (6, 0), (10, 0)])
    func deleteThresholdKeepsNewestRemoved(_ threshold: Int, _ deletableCount: Int) {
        var policy = Self.sliding(threshold: threshold)
        for k in 0..<11 { _ = policy.append(Self.segment(k), now: Double(2 * (k + 1))) }
        #expect(policy.pendingDeletion.count == 6)
        let files = policy.releaseExpired(now: 1_000_000)
        #expect(files == (0..<deletableCount).map { "seg\($0).m4s" })
        #expect(policy.pendingDeletion.count == 6 - deletableCount)
    }

    /// The grace time counts the longest playlist that listed the segment, not the one at the
    /// moment it left.
    @Test func graceUsesLongestPlaylistThatListedTheSegment() {
        var policy = Self.sliding(listSize: 2, threshold: 0)
        _ = policy.append(MediaSegment(uri: "a", duration: 6), now: 6)
        _ = policy.append(MediaSegment(uri: "b", duration: 6), now: 12)  // [a b] = 12 s
        let step = policy.append(MediaSegment(uri: "c", duration: 1), now: 13)  // a leaves; [b c] = 7 s
        #expect(step.removed.map(\.uri) == ["a"])
        #expect(
            policy.pendingDeletion == [
                RetentionPolicy.RemovedSegment(segment: MediaSegment(uri: "a", duration: 6), removedAt: 13, deletableAt: 31)
            ])
        _ = policy.append(MediaSegment(uri: "d", duration: 1), now: 14)  // b leaves; longest with b was 12
        #expect(policy.pendingDeletion.last?.deletableAt == Double(14 + 6 + 12))
        #expect(policy.releaseExpired(now: 30.999) == [])
        #expect(policy.releaseExpired(now: 31) == ["a"])
        #expect(policy.releaseExpired(now: 32) == ["b"])
    }

    @Test func initFileKeptWhilePendingSegmentsUseIt() {
        var policy = Self.sliding(listSize: 1, threshold: 0)
        _ = policy.append(MediaSegment(uri: "s0", duration: 1, map: Self.initA), now: 1)
        _ = policy.append(MediaSegment(uri: "s1", duration: 5, map: Self.initA), now: 2)  // s0 leaves, grace 2
        let step = policy.append(MediaSegment(uri: "s2", duration: 1, map: Self.initB), now: 7)  // s1 leaves, grace 10
        // s0 may go (grace 1 + 1 ended at 4), but s1, still on disk, needs init.mp4.
        #expect(step.deletableFiles == ["s0"])
        #expect(policy.releaseExpired(now: 16.9) == [])
        #expect(policy.releaseExpired(now: 17) == ["s1", "init.mp4"])
    }

    @Test func startingPlaylistLongerThanWindowIsTrimmedOnFirstAppend() {
        let old = (0..<8).map { MediaSegment(uri: "old\($0)", duration: 2, discontinuity: $0 == 3) }
        var policy = RetentionPolicy(
            configuration: .init(listSize: 5, deleteSegments: true, deleteThreshold: 1),
            playlist: MediaPlaylist(targetDuration: 2, mediaSequence: 100, discontinuitySequence: 7, segments: old))
        let step = policy.append(MediaSegment(uri: "new", duration: 2, discontinuity: true), now: 50)
        #expect(step.removed.map(\.uri) == ["old0", "old1", "old2", "old3"])
        #expect(policy.playlist.mediaSequence == 104)
        #expect(policy.playlist.discontinuitySequence == 8)
        #expect(policy.playlist.segments.map(\.uri) == ["old4", "old5", "old6", "old7", "new"])
        // Grace: 2 s + the 16 s playlist they were read back in.
        #expect(policy.pendingDeletion.allSatisfy { $0.deletableAt == 50 + 2 + 16 })
    }
}
