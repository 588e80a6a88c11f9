/// One track's side of the splitter: turns packets into samples with known durations and keeps
/// them until a segment takes them.
///
/// A packet's duration is the distance to the next packet's dts, so the newest packet is held
/// back until its successor arrives (or the stream ends).
struct TrackTimeline {
    struct PendingSample {
        /// Decode time on the track's shifted timeline (see `compositionShift`), in ticks.
        var decodeTicks: Int64
        var sample: Sample
    }

    let track: Track
    let ticksPerSecond: Double
    /// Added to every dts so the first sample decodes at its own presentation time: B-frame
    /// streams start with dts < pts, and this lets every track share one origin without edit
    /// lists (the offsets of later B-frames become negative, which `trun` v1 allows).
    private(set) var compositionShift: Int64?
    private(set) var held: MediaPacket?
    private(set) var queue: [PendingSample] = []
    /// Presentation time of the first sample, in seconds on the source clock.
    private(set) var firstPresentationTime: Double?
    /// The `tfdt` for the next sample to leave the queue; set when the first one leaves.
    private(set) var nextBaseDecodeTime: UInt64?
    private var lastDuration: Int64?

    init(track: Track) {
        self.track = track
        self.ticksPerSecond = Double(track.format.timescale)
    }

    var hasStarted: Bool { compositionShift != nil }

    func seconds(_ ticks: Int64) -> Double { Double(ticks) / ticksPerSecond }

    /// Decode time of the held packet in seconds (shifted timeline), if any.
    var heldDecodeTime: Double? {
        guard let held, let compositionShift else { return nil }
        return seconds(held.dts + compositionShift)
    }

    /// Starts the timeline at `packet`, which must be a packet the track may begin with.
    mutating func start(with packet: MediaPacket) {
        compositionShift = packet.pts - packet.dts
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
        let shift = compositionShift ?? 0
        guard let duration32 = UInt32(exactly: duration) else {
            throw SegmenterError(.limitExceeded, "track \(track.id): a sample lasts \(duration) ticks, more than a fragment can say")
        }
        let decodeTicks = packet.dts + shift
        guard let offset = Int32(exactly: packet.pts - decodeTicks) else {
            throw SegmenterError(.invalidValue, "track \(track.id): pts \(packet.pts) is too far from dts \(packet.dts)")
        }
        lastDuration = duration
        let sample = Sample(duration: duration32, compositionOffset: offset, isSync: packet.isKeyframe, data: packet.data)
        queue.append(PendingSample(decodeTicks: decodeTicks, sample: sample))
    }

    /// Removes and returns the queued samples that decode before `time` seconds (all when nil),
    /// as a fragment whose `tfdt` continues this track's timeline; `originTicks` places the
    /// track's first sample relative to the common origin.
    mutating func takeFragment(before time: Double?, origin: Double) -> TrackFragment? {
        let count: Int
        if let time {
            count = queue.firstIndex { seconds($0.decodeTicks) >= time } ?? queue.count
        } else {
            count = queue.count
        }
        guard count > 0 else { return nil }
        let base: UInt64
        if let next = nextBaseDecodeTime {
            base = next
        } else {
            // The first sample of the track: its distance from the common origin.
            let originTicks = Int64((origin * ticksPerSecond).rounded())
            base = UInt64(max(0, queue[0].decodeTicks - originTicks))
        }
        let samples = queue.prefix(count).map(\.sample)
        queue.removeFirst(count)
        let fragment = TrackFragment(trackID: track.id, baseMediaDecodeTime: base, samples: samples)
        nextBaseDecodeTime = base + fragment.duration
        return fragment
    }

    /// Where this track's emitted timeline ends, in seconds from the origin.
    var emittedEnd: Double? {
        nextBaseDecodeTime.map { Double($0) / ticksPerSecond }
    }
}
