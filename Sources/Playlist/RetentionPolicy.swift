/// The playlist window and what may be deleted from disk: FFmpeg's `hls_list_size`,
/// `hls_flags delete_segments` and `hls_delete_threshold`, with RFC 8216's grace rule.
/// Pure: the caller passes the current media time (seconds) in; nothing here reads a clock.
///
/// Rules:
/// - EVENT and VOD playlists never drop segments (RFC 8216 §6.2.1), whatever `listSize` says.
/// - A sliding live playlist (no PLAYLIST-TYPE) keeps the last `listSize` segments (0 = all).
///   `mediaSequence` rises by one per segment removed; `discontinuitySequence` by one per
///   removed segment that carried `#EXT-X-DISCONTINUITY`.
/// - With `deleteSegments`, a removed segment's file may be deleted only when both hold:
///   - the grace time has passed since it left: its duration plus the duration of the longest
///     playlist that listed it (RFC 8216 §6.2.2), so a client that just loaded that playlist
///     can still fetch it;
///   - at least `deleteThreshold` newer removed segments are still on disk (FFmpeg's
///     `hls_delete_threshold`, default 1). FFmpeg treats this number as a *cap* (it deletes all
///     but the newest `threshold` unreferenced files, grace time or not); here it is a *floor*
///     added to the grace rule, so raising it only ever keeps files longer.
/// - An init (map) file may be deleted only when no listed segment and no removed segment still
///   on disk refers to it.
public struct RetentionPolicy: Sendable, Equatable {
    public struct Configuration: Sendable, Equatable {
        /// `hls_list_size`: segments kept in a sliding live playlist; 0 keeps all.
        public var listSize: Int
        /// `hls_flags delete_segments`: report files that may be deleted.
        public var deleteSegments: Bool
        /// `hls_delete_threshold`: removed segments always kept on disk beyond the list.
        public var deleteThreshold: Int

        public init(listSize: Int = 5, deleteSegments: Bool = false, deleteThreshold: Int = 1) {
            self.listSize = max(0, listSize)
            self.deleteSegments = deleteSegments
            self.deleteThreshold = max(0, deleteThreshold)
        }
    }

    /// A segment that left the playlist and whose file is still on disk.
    public struct RemovedSegment: Sendable, Equatable {
        public var segment: MediaSegment
        /// Media time at which it left the playlist.
        public var removedAt: Double
        /// Media time from which its file may be deleted (ignoring `deleteThreshold`).
        public var deletableAt: Double
    }

    /// What one step changed.
    public struct Step: Sendable, Equatable {
        /// Segments that left the playlist in this step, oldest first.
        public var removed: [MediaSegment] = []
        /// Files (segment URIs, then init URIs, as in the playlist without `baseURL`) that may
        /// now be deleted. Each file is reported once.
        public var deletableFiles: [String] = []
    }

    public let configuration: Configuration
    /// The playlist as it should be published now.
    public private(set) var playlist: MediaPlaylist
    /// Removed segments whose files are not yet reported deletable, oldest first.
    public private(set) var pendingDeletion: [RemovedSegment] = []
    /// For each listed segment, the longest playlist duration (seconds) that listed it.
    private var longestPlaylist: [Double]

    /// `playlist` is the starting state (empty, or read back for `append_list`). It is not
    /// trimmed to `listSize` until the first `append`.
    public init(configuration: Configuration, playlist: MediaPlaylist) {
        self.configuration = configuration
        self.playlist = playlist
        let duration = playlist.duration
        longestPlaylist = Array(repeating: duration, count: playlist.segments.count)
    }

    /// Whether segments can leave this playlist at all.
    public var slides: Bool { playlist.playlistType == nil && configuration.listSize > 0 }

    /// Appends a finished segment at media time `now`, slides the window, and reports what left
    /// and which files may now be deleted.
    public mutating func append(_ segment: MediaSegment, now: Double) -> Step {
        playlist.segments.append(segment)
        guard slides else { return Step() }
        longestPlaylist.append(0)

        var step = Step()
        let excess = playlist.segments.count - configuration.listSize
        if excess > 0 {
            // The playlist published before this append is the longest that listed these.
            step.removed = Array(playlist.segments.prefix(excess))
            for (index, removed) in step.removed.enumerated() {
                if removed.discontinuity { playlist.discontinuitySequence += 1 }
                if configuration.deleteSegments {
                    let grace = removed.duration + longestPlaylist[index]
                    pendingDeletion.append(RemovedSegment(segment: removed, removedAt: now, deletableAt: now + grace))
                }
            }
            playlist.segments.removeFirst(excess)
            longestPlaylist.removeFirst(excess)
            playlist.mediaSequence += excess
        }
        let duration = playlist.duration
        for i in longestPlaylist.indices where longestPlaylist[i] < duration { longestPlaylist[i] = duration }
        step.deletableFiles = collect(now: now)
        return step
    }

    /// The state `restore(_:)` returns to: taken before an `append` whose segment may still
    /// fail to be written, so that the playlist never lists a file that is not on disk.
    public struct Checkpoint: Sendable {
        fileprivate enum Saved: Sendable {
            /// A playlist that only grows: its first `segmentCount` segments are the ones then.
            case growing(segmentCount: Int, targetDuration: Int)
            /// A sliding window: the whole policy, which is bounded by `listSize` (keeping it
            /// makes the next `append` copy the window, never an unbounded list).
            case sliding(RetentionPolicy)
        }

        fileprivate let saved: Saved
    }

    /// See `Checkpoint`. Cheap: a growing playlist is not copied.
    public func checkpoint() -> Checkpoint {
        slides
            ? Checkpoint(saved: .sliding(self))
            : Checkpoint(saved: .growing(segmentCount: playlist.segments.count, targetDuration: playlist.targetDuration))
    }

    /// Takes back every `append` and `setTargetDuration` since `checkpoint` was taken (nothing
    /// else may have been called in between).
    public mutating func restore(_ checkpoint: Checkpoint) {
        switch checkpoint.saved {
        case .growing(let segmentCount, let targetDuration):
            playlist.segments.removeLast(playlist.segments.count - segmentCount)
            playlist.targetDuration = targetDuration
        case .sliding(let saved):
            self = saved
        }
    }

    /// Files that may be deleted at media time `now` without a new segment (e.g. a timer after
    /// the input stopped). Each file is reported once.
    public mutating func releaseExpired(now: Double) -> [String] {
        collect(now: now)
    }

    /// Adds files that are no longer listed (e.g. left on disk by an earlier run that stopped
    /// before their grace time ended), oldest first, to the files to delete from media time
    /// `deletableAt` on. They go before every removed segment already waiting, as the oldest.
    /// Ignored without `deleteSegments`.
    public mutating func scheduleDeletion(of segments: [MediaSegment], deletableAt: Double) {
        guard configuration.deleteSegments else { return }
        let leftovers = segments.map { RemovedSegment(segment: $0, removedAt: deletableAt, deletableAt: deletableAt) }
        pendingDeletion.insert(contentsOf: leftovers, at: 0)
    }

    /// Takes the listed segments numbered up to `sequenceNumber` out of a sliding playlist at
    /// once, without a grace time and without reporting their files (archive retention: the
    /// caller removes them). Returns how many left. EVENT and VOD playlists are not changed.
    @discardableResult
    public mutating func withdraw(through sequenceNumber: Int) -> Int {
        guard playlist.playlistType == nil else { return 0 }
        let count = playlist.segments.indices.firstIndex { playlist.mediaSequence + $0 > sequenceNumber } ?? playlist.segments.count
        guard count > 0 else { return 0 }
        playlist.discontinuitySequence += playlist.segments.prefix(count).filter(\.discontinuity).count
        playlist.segments.removeFirst(count)
        if longestPlaylist.count >= count { longestPlaylist.removeFirst(count) }
        playlist.mediaSequence += count
        return count
    }

    /// Sets `#EXT-X-TARGETDURATION` (the packager fixes it once, before the first segment).
    public mutating func setTargetDuration(_ seconds: Int) {
        playlist.targetDuration = seconds
    }

    /// Marks the end of the stream (`#EXT-X-ENDLIST`).
    public mutating func end() {
        playlist.endList = true
    }

    private mutating func collect(now: Double) -> [String] {
        guard configuration.deleteSegments else { return [] }
        // Of the pending segments, the newest `deleteThreshold` always stay; of the rest, the
        // ones whose grace time has passed go. (Oldest first; later ones may expire sooner if
        // they were shorter, so check each.)
        let candidates = pendingDeletion.count - configuration.deleteThreshold
        guard candidates > 0 else { return [] }
        var released: [MediaSegment] = []
        var kept: [RemovedSegment] = []
        for (index, pending) in pendingDeletion.enumerated() {
            if index < candidates, pending.deletableAt <= now {
                released.append(pending.segment)
            } else {
                kept.append(pending)
            }
        }
        guard !released.isEmpty else { return [] }
        pendingDeletion = kept
        var files = released.map(\.uri)
        // An init file goes when nothing still listed or still on disk refers to it.
        var stillUsed = Set<String>()
        for segment in playlist.segments { if let map = segment.map { stillUsed.insert(map.uri) } }
        for pending in pendingDeletion { if let map = pending.segment.map { stillUsed.insert(map.uri) } }
        var reported = Set<String>()
        for segment in released {
            guard let uri = segment.map?.uri, !stillUsed.contains(uri), reported.insert(uri).inserted else {
                continue
            }
            files.append(uri)
        }
        return files
    }
}
