/// One track's side of the splitter: turns packets into samples with known durations and keeps
/// them until a segment takes them.
///
/// A packet's duration is the distance to the next packet's dts, so the newest packet is held
/// back until its successor arrives (or the stream ends).
struct TrackTimeline {
    struct PendingSample {
        var dts: Int64
        var pts: Int64
        var sample: Sample
    }

    let track: Track
    let ticksPerSecond: Double
    private(set) var held: MediaPacket?
    private(set) var queue: [PendingSample] = []
    /// Decode and presentation time of the first sample, in seconds on the source clock.
    private(set) var firstDecodeTime: Double?
    private(set) var firstPresentationTime: Double?
    /// The `tfdt` for the next sample to leave the queue; set when the first one leaves.
    private(set) var nextBaseDecodeTime: UInt64?
    /// The latest presentation end (pts + duration, seconds) of the samples that left the queue.
    private(set) var emittedPresentationEnd: Double?
    private var lastDuration: Int64?

    init(track: Track) {
        self.track = track
        self.ticksPerSecond = Double(track.format.timescale)
    }

    var hasStarted: Bool { firstDecodeTime != nil }

    func seconds(_ ticks: Int64) -> Double { Double(ticks) / ticksPerSecond }

    /// Starts the timeline at `packet`, the first packet the track may begin with.
    mutating func start(with packet: MediaPacket) {
        firstDecodeTime = seconds(packet.dts)
        firstPresentationTime = seconds(packet.pts)
    }

    /// Accepts the next packet; completes the held one with the dts distance as its duration.
    mutating func append(_ packet: MediaPacket) throws {
        if let previous = held {
            let duration = packet.dts - previous.dts
            guard duration >= 0 else {
                throw SegmenterError(
                    .outOfOrder,
                    "track \(track.id): timestamps go backwards (dts \(previous.dts) then \(packet.dts))")
            }
            try complete(previous, duration: duration)
        }
        held = packet
    }

    /// Completes the held packet at the end of the stream, with its own duration when the source
    /// gave one, else the previous sample's.
    mutating func flush() throws {
        guard let previous = held else { return }
        try complete(previous, duration: previous.duration ?? lastDuration ?? 0)
        held = nil
    }

    private mutating func complete(_ packet: MediaPacket, duration: Int64) throws {
        guard let duration32 = UInt32(exactly: duration) else {
            throw SegmenterError(.limitExceeded, "track \(track.id): a sample lasts \(duration) ticks, more than a fragment can say")
        }
        guard let offset = Int32(exactly: packet.pts - packet.dts) else {
            throw SegmenterError(.invalidValue, "track \(track.id): pts \(packet.pts) is too far from dts \(packet.dts)")
        }
        lastDuration = duration
        let sample = Sample(duration: duration32, compositionOffset: offset, isSync: packet.isKeyframe, data: packet.data)
        queue.append(PendingSample(dts: packet.dts, pts: packet.pts, sample: sample))
    }

    /// How many queued samples belong before a cut.
    enum Boundary {
        /// The samples decoded before this dts (the reference track: everything before the keyframe).
        case decodeTime(Int64)
        /// The samples presented before this time in seconds (the other tracks).
        case presentationTime(Double)
        /// Everything queued (end of stream).
        case end
    }

    /// Removes and returns the queued samples before `boundary` as a fragment whose `tfdt`
    /// continues this track's timeline; the first one is placed at its distance from `origin`
    /// (seconds on the source clock, at or before every track's first dts).
    mutating func takeFragment(before boundary: Boundary, origin: Double) -> TrackFragment? {
        let count: Int
        switch boundary {
        case .decodeTime(let dts): count = queue.firstIndex { $0.dts >= dts } ?? queue.count
        case .presentationTime(let time): count = queue.firstIndex { seconds($0.pts) >= time } ?? queue.count
        case .end: count = queue.count
        }
        guard count > 0 else { return nil }
        let base: UInt64
        if let next = nextBaseDecodeTime {
            base = next
        } else {
            let originTicks = Int64((origin * ticksPerSecond).rounded(.down))
            base = UInt64(max(0, queue[0].dts - originTicks))
        }
        let taken = queue.prefix(count)
        let end = taken.map { seconds($0.pts + Int64($0.sample.duration)) }.max()
        emittedPresentationEnd = max(emittedPresentationEnd ?? -.infinity, end ?? -.infinity)
        let fragment = TrackFragment(trackID: track.id, baseMediaDecodeTime: base, samples: taken.map(\.sample))
        queue.removeFirst(count)
        nextBaseDecodeTime = base + fragment.duration
        return fragment
    }
}
