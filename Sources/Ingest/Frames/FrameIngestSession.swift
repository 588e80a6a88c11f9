import Logging
import Segmenter

/// Turns WebSocket frame messages into tracks and packets: a plain state machine (messages and
/// their arrival times in, `LiveMediaEvent`s out).
///
/// - Video: SPS/PPS come from config messages or from the first keyframe's in-band parameter
///   sets; access units are converted from Annex-B to 4-byte length prefixes by
///   `AnnexB.toLengthPrefixed` (garbage and NAL units with the forbidden bit set are dropped);
///   timescale 90 kHz.
/// - Audio: ADTS frames; the first header gives the AudioSpecificConfig; timescale = sample rate,
///   frames of one message follow each other by 1024 samples.
/// - G.711 audio (codec 1 μ-law, 2 A-law; 8 kHz mono) is transcoded to AAC-LC
///   (`G711AACTranscoder`): the message's pts (or arrival time) places its first sample, packets
///   are timed by counted samples. A message of impossible length closes the connection; a
///   transcoder that fails costs the stream its audio (one warning), not its video.
/// - Video without timestamps is stamped on a steady grid (`SteadyFrameClock`, anchored at the
///   first such frame's arrival and again after a pause), one frame duration apart. The rate is
///   the SPS VUI timing when the SPS has it, otherwise the estimate from the arrival intervals
///   (`FrameRateEstimator`, provisional for the first frames). When the grid at the VUI rate
///   drifts a second away from the arrivals without a pause and the estimate disagrees with it,
///   the frames do not come at that rate and the estimate takes over until the two agree again.
///   Arrival times themselves are never timestamps.
/// - Audio without timestamps follows the arrival time (microseconds since the connection
///   opened), smoothed into a gapless sequence of frames (`AudioTimestampSmoother`): the same
///   clock the video grid is anchored to.
/// - Packets wait until both tracks are configured, or `maximumPendingPackets` frames arrived
///   without the other track (a video-only or audio-only sender).
public struct FrameIngestSession: Sendable {
    public static let videoTimescale: UInt32 = 90_000
    static let aacFrameLength: Int64 = 1024
    static let maximumPendingPackets = 64

    private var video: Track?
    private var audio: Track?
    private var started: [Track]?
    private var pending: [MediaPacket] = []
    private var smoother: AudioTimestampSmoother?
    private var lastVideoDTS: Int64?
    /// For video frames without timestamps: the SPS's VUI timing, unless the frames do not come
    /// at its rate (`vuiContradicted`).
    private var videoTiming: H264SPS.Timing?
    private var vuiContradicted = false
    private var lastVideoArrival: Int64?
    private var estimator = FrameRateEstimator()
    /// How far the arrivals' rate must be from the VUI rate (as a fraction of it) for the VUI to
    /// be taken as wrong: well above arrival jitter, well below a halved rate.
    static let vuiDisagreement = 0.15
    private var videoClock = SteadyFrameClock(timescale: videoTimescale)
    private let explicitFrameRate: FrameRate?
    private var g711: G711AACTranscoder?
    /// Why this stream's audio is dropped (a failed G.711 transcoder); warned once.
    public private(set) var droppedAudio: String?
    private let logger = Logger(label: "hlsseg.websocket")

    public init() {
        explicitFrameRate = nil
    }

    /// A session whose video frames without timestamps get `frameRate`, whatever the SPS says
    /// or the arrivals suggest.
    init(frameRate: FrameRate) {
        explicitFrameRate = frameRate
    }

    public mutating func receive(_ bytes: [UInt8], arrivalMicroseconds: Int64) throws(IngestError) -> [LiveMediaEvent] {
        let message = try FrameMessage(parsing: bytes)
        switch message.kind {
        case .video: return try receiveVideo(message, timestamps: message.timestamps, arrival: arrivalMicroseconds)
        case .audio where message.codec != .standard:
            return try receiveG711(message, pts: message.timestamps?.pts ?? arrivalMicroseconds)
        case .audio: return try receiveAudio(message, pts: message.timestamps?.pts ?? arrivalMicroseconds)
        }
    }

    /// The end of the connection: packets still waiting go out with the tracks known.
    public mutating func finish() -> [LiveMediaEvent] {
        guard started == nil, !pending.isEmpty else { return [] }
        return start()
    }

    private mutating func receiveVideo(_ message: FrameMessage, timestamps: (pts: Int64, dts: Int64)?, arrival: Int64)
        throws(IngestError) -> [LiveMediaEvent]
    {
        let unit = H264AccessUnit(message.payload.withUnsafeBytes { AnnexB.toLengthPrefixed($0) })
        var events: [LiveMediaEvent] = []
        if let sps = unit.sequenceParameterSets.last, !unit.pictureParameterSets.isEmpty {
            let record: AVCDecoderConfigurationRecord
            let parsed: H264SPS
            do {
                record = try AVCDecoderConfigurationRecord(sps: sps, pps: unit.pictureParameterSets)
                parsed = try record.parsedSPS()
            } catch {
                throw IngestError(.invalidStream, "frame message: SPS/PPS do not parse: \(error)")
            }
            let track = Track(
                id: 1, format: .video(codec: .h264(record), width: parsed.width, height: parsed.height, timescale: Self.videoTimescale))
            if parsed.timing != videoTiming { (videoTiming, vuiContradicted) = (parsed.timing, false) }
            if track != video {
                video = track
                events += tracksChanged()
            }
        } else if message.isConfig {
            throw IngestError(.invalidStream, "frame message: a video config message needs an SPS and a PPS")
        }
        if message.isConfig { return events }
        guard video != nil else { return events }  // undecodable before its parameter sets
        let data = unit.lengthPrefixed
        guard !data.isEmpty else { return events }
        var decode: Int64
        var presentation: Int64
        if let timestamps {
            decode = Self.ticks(timestamps.dts, Self.videoTimescale)
            presentation = Self.ticks(timestamps.pts, Self.videoTimescale)
        } else {
            estimator.noteArrival(arrival)
            let timing = vuiContradicted || explicitFrameRate != nil ? nil : videoTiming
            let rate =
                FrameRate.forFramesWithoutTimestamps(explicit: explicitFrameRate, timing: timing, estimate: estimator.estimate)
                ?? FrameRate.fallback  // the first frame: its stamp is its arrival, whatever the rate
            let arrivalTicks = Self.ticks(arrival, Self.videoTimescale)
            let stamp = videoClock.stamp(rate: rate, arrival: arrivalTicks)
            decode = stamp.time
            presentation = decode
            if let vuiRate = timing.flatMap(FrameRate.init(timing:)) {
                // The grid at the VUI rate drifted a second from the arrivals without a pause, and
                // the arrivals' own rate differs from it: the frames do not come at that rate (a
                // phone camera halves its rate in low light, an encoder writes a default), and
                // the estimate takes over until the arrivals keep to the VUI rate again (a stalled
                // reader's burst drifts too, for a while). Behind, the grid has re-anchored; ahead,
                // it cannot go back, so the lead stays at about that second.
                let paused = lastVideoArrival.map { arrival - $0 > FrameRateEstimator.pauseInterval } ?? false
                let drift = SteadyFrameClock.reanchorDelaySeconds * Int64(Self.videoTimescale)
                let drifted = (stamp.reanchored && !paused) || stamp.time - arrivalTicks > drift
                let disagrees = estimator.estimate.map {
                    abs($0.framesPerSecond - vuiRate.framesPerSecond) > Self.vuiDisagreement * vuiRate.framesPerSecond
                }
                if drifted, disagrees == true { vuiContradicted = true }
            } else if vuiContradicted, let vuiRate = videoTiming.flatMap(FrameRate.init(timing:)), let estimate = estimator.estimate,
                abs(estimate.framesPerSecond - vuiRate.framesPerSecond) <= Self.vuiDisagreement * vuiRate.framesPerSecond
            {
                // The arrivals keep to the VUI rate again (the drift was a stalled reader's burst).
                vuiContradicted = false
            }
            lastVideoArrival = arrival
        }
        if let last = lastVideoDTS, decode <= last { decode = last + 1 }  // a sender's timestamps may tie
        lastVideoDTS = decode
        presentation = max(decode, presentation)
        return events
            + enqueue(
                MediaPacket(trackID: 1, dts: decode, pts: presentation, isKeyframe: message.isKeyframe || unit.containsIDR, data: data))
    }

    private mutating func receiveAudio(_ message: FrameMessage, pts: Int64) throws(IngestError) -> [LiveMediaEvent] {
        let (frames, _) = ADTS.frames(in: Array(message.payload))
        guard let first = frames.first else { throw IngestError(.invalidStream, "frame message: audio payload has no ADTS frame") }
        var events: [LiveMediaEvent] = []
        let config = first.header.audioSpecificConfig
        let rate = first.header.sampleRate
        let track = Track(
            id: 2,
            format: .audio(
                codec: .aac(config), sampleRate: rate, channels: max(1, Int(config.channelConfiguration)), timescale: UInt32(rate)))
        if track != audio {
            audio = track
            smoother = AudioTimestampSmoother(tolerance: Int64(rate / 50))  // arrival jitter up to 20 ms is absorbed
            events += tracksChanged()
        }
        var stamp: Int64? = Self.ticks(pts, UInt32(rate))
        for frame in frames {
            let placed = smoother!.place(stamp, duration: Self.aacFrameLength)
            stamp = nil
            events += enqueue(
                MediaPacket(
                    trackID: 2, dts: placed, pts: placed, duration: Self.aacFrameLength, isKeyframe: true, data: Array(frame.payload)))
        }
        return events
    }

    private mutating func receiveG711(_ message: FrameMessage, pts: Int64) throws(IngestError) -> [LiveMediaEvent] {
        guard droppedAudio == nil else { return [] }
        let law: G711Law = message.codec == .g711ALaw ? .aLaw : .muLaw
        var events: [LiveMediaEvent] = []
        if let g711, g711.law != law {
            return dropAudio(because: "the audio changed from \(g711.law) to \(law) mid-stream")
        }
        let transcoder: G711AACTranscoder
        if let g711 {
            transcoder = g711
        } else {
            do throws(IngestError) {
                transcoder = try G711AACTranscoder(law: law, sampleRate: Self.g711SampleRate, channels: 1)
            } catch {
                return dropAudio(because: "\(law) audio cannot be transcoded to AAC: \(error.reason)")
            }
            g711 = transcoder
        }
        try transcoder.checkFrameLength(message.payload.count)  // bad input: closes the connection
        var packets: [MediaPacket] = []
        do throws(IngestError) {
            try transcoder.transcode(message.payload, pts: Self.ticks(pts, UInt32(Self.g711SampleRate)), trackID: 2, into: &packets)
        } catch {
            return dropAudio(because: "transcoding \(law) audio to AAC failed: \(error.reason)")
        }
        let track = Track(id: 2, format: transcoder.format)
        if audio != track {  // the first G.711 frame, or one after AAC audio
            audio = track
            events += tracksChanged()
        }
        for packet in packets { events += enqueue(packet) }
        return events
    }

    /// G.711 frame messages are 8 kHz mono (docs/ingest.md).
    static let g711SampleRate = 8000

    /// Stops taking audio for the rest of the connection, with one warning; the video goes on.
    private mutating func dropAudio(because reason: String) -> [LiveMediaEvent] {
        guard droppedAudio == nil else { return [] }
        droppedAudio = reason
        logger.warning("websocket ingest: \(reason); the stream goes on without audio")
        g711 = nil
        pending.removeAll { $0.trackID == 2 }
        guard audio != nil else { return [] }
        audio = nil
        guard started != nil else { return [] }
        started = currentTracks
        return [.tracks(currentTracks)]
    }

    /// Microseconds in ticks of `timescale`, without overflow for |µs| ≤ 2^50.
    static func ticks(_ microseconds: Int64, _ timescale: UInt32) -> Int64 {
        let scale = Int64(timescale)
        return microseconds / 1_000_000 * scale + microseconds % 1_000_000 * scale / 1_000_000
    }

    private var currentTracks: [Track] { [video, audio].compactMap { $0 } }

    private mutating func tracksChanged() -> [LiveMediaEvent] {
        guard started != nil else { return video != nil && audio != nil ? start() : [] }
        started = currentTracks
        return [.tracks(currentTracks)]
    }

    private mutating func enqueue(_ packet: MediaPacket) -> [LiveMediaEvent] {
        if started != nil { return [.packet(packet)] }
        pending.append(packet)
        return pending.count >= Self.maximumPendingPackets ? start() : []
    }

    private mutating func start() -> [LiveMediaEvent] {
        guard !currentTracks.isEmpty else { return [] }
        started = currentTracks
        let events = [LiveMediaEvent.tracks(currentTracks)] + pending.map { .packet($0) }
        pending = []
        return events
    }
}
