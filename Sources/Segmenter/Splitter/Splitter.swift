/// The keyframe-aware splitter: packets of all tracks in, segments out.
///
/// - Segments end at FFmpeg's grid (`SegmentGrid`): the first video keyframe at or after
///   `start + n × hls_time`; audio-only streams cut on any frame.
/// - Every video segment starts with a keyframe: video before the first keyframe is dropped
///   (`droppedLeadingFrames` says how much, for one log line).
/// - All tracks share one time origin, the earliest first presentation time; each track's `tfdt`
///   is its start offset from that origin plus the sum of its earlier sample durations.
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

        public init(targetDuration: Double = 2, maxInterleaveDelay: Double = 3) {
            self.targetDuration = targetDuration
            self.maxInterleaveDelay = maxInterleaveDelay
        }
    }

    public let tracks: [Track]
    public let configuration: Configuration
    /// Video frames dropped because they came before the first keyframe.
    public private(set) var droppedLeadingFrames = 0
    /// The time origin (seconds on the source clock), fixed when the first cut is decided.
    public private(set) var origin: Double?

    private var timelines: [TrackTimeline]
    /// Index into `timelines` of the track whose cut candidates end segments: the first video
    /// track, else the first track.
    private let referenceIndex: Int
    private let grid: SegmentGrid
    /// Cuts decided but not yet emitted, as decode times (seconds, source clock) of the keyframe.
    private var pendingCuts: [Double] = []
    private var emittedCount = 0
    private var emittedEnd = 0.0

    public init(tracks: [Track], configuration: Configuration = .init()) {
        precondition(!tracks.isEmpty, "a stream has at least one track")
        self.tracks = tracks
        self.configuration = configuration
        self.timelines = tracks.map(TrackTimeline.init)
        self.referenceIndex = tracks.firstIndex { $0.format.isVideo } ?? 0
        self.grid = SegmentGrid(targetDuration: configuration.targetDuration)
    }

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
        let isCutCandidate = index == referenceIndex && (packet.isKeyframe || !isVideo)
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
        let start = origin ?? earliestStart()
        origin = start
        let presentation = reference.seconds(packet.pts) - start
        if grid.closes(segmentNumber: emittedCount + pendingCuts.count + 1, at: presentation),
            let cut = reference.heldDecodeTime
        {
            pendingCuts.append(cut)
        }
    }

    /// FFmpeg's `start_pts`: the earliest first presentation time of the tracks seen so far.
    private func earliestStart() -> Double {
        timelines.compactMap(\.firstPresentationTime).min() ?? 0
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

    private func othersHaveReached(_ cut: Double) -> Bool {
        let referenceTime = timelines[referenceIndex].heldDecodeTime ?? cut
        if referenceTime - cut >= configuration.maxInterleaveDelay { return true }
        return timelines.indices.allSatisfy { index in
            index == referenceIndex || (timelines[index].heldDecodeTime ?? -.infinity) >= cut
        }
    }

    /// Takes the samples before `cut` (seconds, source clock) from every track; nil = all that is left.
    private mutating func takeSegment(endingAt cut: Double?) -> Segment? {
        let origin = self.origin ?? earliestStart()
        self.origin = origin
        var fragments: [TrackFragment] = []
        for index in timelines.indices {
            if let fragment = timelines[index].takeFragment(before: cut, origin: origin) {
                fragments.append(fragment)
            }
        }
        guard !fragments.isEmpty else { return nil }
        let end = cut.map { $0 - origin } ?? timelines.compactMap(\.emittedEnd).max() ?? emittedEnd
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
