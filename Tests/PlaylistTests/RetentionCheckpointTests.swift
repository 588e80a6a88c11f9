import Testing

@testable import Playlist

/// `checkpoint()` / `restore(_:)`: a segment listed before it was written is taken back out when
/// its write fails, and the policy is exactly as if it had never been appended — for a growing
/// playlist (not copied) and for a sliding window with deletions pending (copied, bounded).
@Suite struct RetentionCheckpointTests {
    static func segment(_ n: Int) -> MediaSegment { RetentionPolicyTests.segment(n) }

    static let policies: [(String, RetentionPolicy)] = [
        ("event", RetentionPolicy(configuration: .init(listSize: 5), playlist: MediaPlaylist(targetDuration: 2, playlistType: .event))),
        ("live, list size 0", RetentionPolicy(configuration: .init(listSize: 0), playlist: MediaPlaylist(targetDuration: 2))),
        ("sliding, delete_segments", RetentionPolicyTests.sliding(listSize: 5, delete: true, threshold: 1)),
        ("sliding, threshold 3", RetentionPolicyTests.sliding(listSize: 3, delete: true, threshold: 3)),
    ]

    /// At every point of a 30-segment history (window slides, deletions pending and released,
    /// a discontinuity leaving the window), an append plus a raised target duration restored
    /// from a checkpoint leaves the policy equal to before, and the next append then behaves
    /// exactly as it would have.
    @Test(arguments: policies.indices)
    func restoreTakesBackAnAppendAtEveryStep(index: Int) {
        let (label, start) = Self.policies[index]
        var policy = start
        var reference = start
        for k in 0..<30 {
            let before = policy
            let checkpoint = policy.checkpoint()
            _ = policy.append(Self.segment(1000 + k), now: Double(2 * k) + 1)
            policy.setTargetDuration(9)
            policy.restore(checkpoint)
            #expect(policy == before, "\(label), step \(k)")

            let step = policy.append(Self.segment(k), now: Double(2 * (k + 1)))
            let expected = reference.append(Self.segment(k), now: Double(2 * (k + 1)))
            #expect(step == expected, "\(label), step \(k)")
            #expect(policy == reference, "\(label), step \(k)")
        }
    }

    /// A checkpoint that held the segment list would make the next append copy all of it:
    /// with capacity to spare, append and undo must stay in the same storage.
    @Test func aGrowingPlaylistIsNotCopied() throws {
        var policy = RetentionPolicy(configuration: .init(listSize: 5), playlist: MediaPlaylist(targetDuration: 2, playlistType: .event))
        for k in 0..<10 { _ = policy.append(Self.segment(k), now: Double(2 * (k + 1))) }
        try #require(policy.playlist.segments.capacity > 10)
        let storage = policy.playlist.segments.withUnsafeBufferPointer { $0.baseAddress }
        let checkpoint = policy.checkpoint()
        _ = policy.append(Self.segment(10), now: 22)
        #expect(policy.playlist.segments.withUnsafeBufferPointer { $0.baseAddress } == storage)
        policy.restore(checkpoint)
        #expect(policy.playlist.segments.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(policy.playlist.segments.map(\.uri) == (0..<10).map { "seg\($0).m4s" })
    }
}
