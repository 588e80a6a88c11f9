/// The keyframe-aware splitter: packets of all tracks in, segments out.
///
/// - Segments end at FFmpeg's grid (`SegmentGrid`): the first video keyframe whose presentation
///   time is at or after `start + n × hls_time`; audio-only streams cut on any frame.
/// - Every video segment starts with a keyframe: video before the first keyframe is dropped
///   (`droppedLeadingFrames` says how much, for one log line).
/// - All tracks share one time origin, the earliest first decode time of any track, so every
///   `tfdt` is ≥ 0 and presentation times equal the source's minus one constant — with
///   non-negative composition offsets and no edit list, which every demuxer reads alike.
///   Each track's `tfdt` is its first dts' distance from the origin plus the sum of its
///   earlier sample durations.
/// - At a cut, the video splits at the keyframe in decode order, and so do the other tracks:
///   audio before the keyframe's decode time stays in the segment, as in FFmpeg's muxer. (Split
///   at the keyframe's presentation time instead, a live segment could only be closed once the
///   publisher had sent audio one B-frame delay past the keyframe — 67 ms with 2 B-frames at
///   30 fps — and the publish latency would pay for it.) The playlist's segment times stay
///   those of the video's presentation.
/// - A segment is closed once every other track has delivered its samples up to the cut (their
///   last duration is only known from the next packet), or the reference track has run
///   `maxInterleaveDelay` past the cut (a track that went quiet must not stall the stream).
///
/// A plain value: no I/O, no clock. Packets of one track must come in decode order.
public struct Splitter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// FFmpeg's `hls_time`, in seconds.
        public var targetDuration: Double
        /// How far (seconds) the reference track may run past a cut while waiting for other tracks.
        public var maxInterleaveDelay: Double
        /// FFmpeg's `hls_flags split_by_time` (see Splitter+SplitByTime.swift).
        public var splitByTime: Bool
        /// FFmpeg's `hls_init_time` (see Splitter+SplitByTime.swift); nil = none.
        public var initialSegments: SegmentGrid.InitialSegments?

        public init(
            targetDuration: Double = 2, maxInterleaveDelay: Double = 3, splitByTime: Bool = false,
            initialSegments: SegmentGrid.InitialSegments? = nil
        ) {
            self.targetDuration = targetDuration
            self.maxInterleaveDelay = maxInterleaveDelay
            self.splitByTime = splitByTime
            self.initialSegments = initialSegments
        }
    }

    /// A decided cut: the keyframe that starts the next segment.
    struct Cut {
        var decodeTicks: Int64
        /// The keyframe's decode time in seconds on the source clock: where the other tracks split.
        var decodeTime: Double
        /// Presentation time in seconds on the source clock: where the segment ends in the playlist.
        var presentationTime: Double
    }

    public let tracks: [Track]
    public let configuration: Configuration
    /// Video frames dropped because they came before the first keyframe.
    public private(set) var droppedLeadingFrames = 0
    /// FFmpeg's `start_pts`: the earliest first presentation time (seconds, source clock), fixed
    /// when the first cut is decided. Segment times and the grid count from here.
    public private(set) var start: Double?

    private(set) var timelines: [TrackTimeline]
    /// Index into `timelines` of the track whose cut candidates end segments: the first video
    /// track, else the first track.
    let referenceIndex: Int
    private let grid: SegmentGrid
    /// The decode-time origin of every `tfdt`, fixed when the first segment is emitted.
    private var origin: Double?
    /// The origin of the splitter whose timeline this one continues, if any.
    private let continuedOrigin: Double?
    private var pendingCuts: [Cut] = []
    private var emittedCount = 0
    /// Where the last emitted segment ended, in seconds from `start`.
    private var emittedEnd = 0.0

    /// `continuing`: a splitter whose timeline this one goes on with (the codec changed
    /// mid-file, the timestamps did not): its decode-time origin is kept, so `tfdt` go on from
    /// where it ended instead of restarting at 0 — unless this one's packets start before that
    /// origin (the timestamps restarted), which then gets its own.
    public init(tracks: [Track], configuration: Configuration = .init(), continuing previous: Splitter? = nil) {
        precondition(!tracks.isEmpty, "a stream has at least one track")
        self.tracks = tracks
        self.configuration = configuration
        self.continuedOrigin = previous.flatMap { $0.origin ?? $0.continuedOrigin }
        self.timelines = tracks.map(TrackTimeline.init)
        self.referenceIndex = tracks.firstIndex { $0.format.isVideo } ?? 0
        self.grid = configuration.grid
    }

    /// A cut is decided and its segment waits for the other tracks to reach it: the next
    /// packets may complete it (live ingest then hands them over without delay).
    public var isClosingSegment: Bool { !pendingCuts.isEmpty }

    /// Feeds one packet; returns the segments it completed (usually none, sometimes one).
    public mutating func push(_ packet: MediaPacket) throws -> [Segment] {
        guard let index = timelines.firstIndex(where: { $0.track.id == packet.trackID }) else {
            throw SegmenterError(.invalidValue, "packet for unknown track \(packet.trackID)")
        }
        let isVideo = timelines[index].track.format.isVideo
        if !timelines[index].hasStarted {
            guard packet.isKeyframe || !isVideo else {
                droppedLeadingFrames += 1
                return []
            }
            timelines[index].start(with: packet)
        }
        let isCutCandidate =
            index == referenceIndex && (packet.isKeyframe || !isVideo || isTimeCutCandidate(packet, timelineIndex: index))
        let hadSamples = timelines[index].held != nil
        try timelines[index].append(packet)
        if isCutCandidate && hadSamples {
            considerCut(at: packet)
        }
        return emitReadySegments(final: false)
    }

    /// Ends the stream: completes held packets and returns the remaining segments.
    public mutating func finish() throws -> [Segment] {
        for index in timelines.indices { try timelines[index].flush() }
        return emitReadySegments(final: true)
    }

    private mutating func considerCut(at packet: MediaPacket) {
        let reference = timelines[referenceIndex]
        let start = self.start ?? earliest(\.firstPresentationTime)
        self.start = start
        let presentation = reference.seconds(packet.pts)
        if grid.closes(segmentNumber: emittedCount + pendingCuts.count + 1, at: presentation - start) {
            pendingCuts.append(Cut(decodeTicks: packet.dts, decodeTime: reference.seconds(packet.dts), presentationTime: presentation))
        }
    }

    private func ownOrContinuedOrigin() -> Double {
        let own = earliest(\.firstDecodeTime)
        guard let continuedOrigin, continuedOrigin <= own else { return own }
        return continuedOrigin
    }

    private func earliest(_ time: KeyPath<TrackTimeline, Double?>) -> Double {
        timelines.compactMap { $0[keyPath: time] }.min() ?? 0
    }

    private mutating func emitReadySegments(final: Bool) -> [Segment] {
        var segments: [Segment] = []
        while let cut = pendingCuts.first, final || othersHaveReached(cut) {
            pendingCuts.removeFirst()
            if let segment = takeSegment(endingAt: cut) { segments.append(segment) }
        }
        if final, let segment = takeSegment(endingAt: nil) { segments.append(segment) }
        return segments
    }

    private func othersHaveReached(_ cut: Cut) -> Bool {
        let reference = timelines[referenceIndex]
        let referenceTime = reference.held.map { reference.seconds($0.pts) } ?? cut.presentationTime
        if referenceTime - cut.presentationTime >= configuration.maxInterleaveDelay { return true }
        return timelines.indices.allSatisfy { index in
            guard index != referenceIndex else { return true }
            let timeline = timelines[index]
            return timeline.held.map { timeline.seconds($0.pts) >= cut.decodeTime } ?? false
        }
    }

    /// Takes the samples before `cut` from every track; nil = all that is left.
    private mutating func takeSegment(endingAt cut: Cut?) -> Segment? {
        let start = self.start ?? earliest(\.firstPresentationTime)
        self.start = start
        let origin = self.origin ?? ownOrContinuedOrigin()
        self.origin = origin
        var fragments: [TrackFragment] = []
        for index in timelines.indices {
            let boundary: TrackTimeline.Boundary
            switch cut {
            case nil: boundary = .end
            case let cut? where index == referenceIndex: boundary = .decodeTime(cut.decodeTicks)
            case let cut?: boundary = .presentationTime(cut.decodeTime)
            }
            if let fragment = timelines[index].takeFragment(before: boundary, origin: origin) {
                fragments.append(fragment)
            }
        }
        guard !fragments.isEmpty else { return nil }
        let end: Double
        if let cut {
            end = cut.presentationTime - start
        } else {
            end = (timelines.compactMap(\.emittedPresentationEnd).max() ?? start) - start
        }
        let referenceID = timelines[referenceIndex].track.id
        let startsWithKeyframe = fragments.first { $0.trackID == referenceID }?.samples.first?.isSync ?? false
        let segment = Segment(
            index: emittedCount, startTime: emittedEnd, duration: max(0, end - emittedEnd),
            isIndependent: startsWithKeyframe || !timelines[referenceIndex].track.format.isVideo,
            tracks: fragments)
        emittedCount += 1
        emittedEnd = max(emittedEnd, end)
        return segment
    }
}
