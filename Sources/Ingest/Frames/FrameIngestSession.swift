import Logging
import Segmenter

/// Turns WebSocket frame messages into tracks and packets: a plain state machine (messages and
/// their arrival times in, `MediaEvent`s out).
///
/// - Video: SPS/PPS (H.264, codec 0) or VPS/SPS/PPS (H.265, codec 1) come from config messages
///   or from the first keyframe's in-band parameter sets; access units are converted from
///   Annex-B to 4-byte length prefixes by `AnnexB.toLengthPrefixed` (garbage and NAL units with
///   the forbidden bit set are dropped); timescale 90 kHz. A message whose parameter sets differ
///   from the track's makes a new track (a new init), also when the codec changes; a message of
///   the other codec without parameter sets closes the connection.
/// - H.265 is written as `hvc1`: VPS, SPS and PPS that repeat the track's hvcC are taken out of
///   the samples (`HEVCAccessUnit.withoutParameterSets`). A sample is a keyframe when the
///   message says so and holds an IRAP picture (IDR, CRA, BLA).
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
///   Arrival times themselves are never timestamps. H.265 pictures are presented in picture
///   order count order (`HEVCPictureOrder`, as for raw `.hevc` files), `maxNumReorderPics`
///   frames behind their decode times, so B-frames are shown in order; H.264 frames are
///   presented at their decode times.
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
    private var videoTiming: VUITiming?
    private var vuiContradicted = false
    private var lastVideoArrival: Int64?
    /// H.265 picture order, for the presentation times of B-frames without timestamps.
    private var pictureOrder = HEVCPictureOrder()
    /// H.265 pictures given an output index so far (their decoding order).
    private var orderedPictures = 0
    /// Most frames a picture is shown after its decoding slot: at most 2 × sps_max_num_reorder_pics
    /// (≤ 15) in a conforming stream; a forged picture order count cannot push a time further.
    static let maximumOutputDelay = 30
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

    public mutating func receive(_ bytes: [UInt8], arrivalMicroseconds: Int64) throws(IngestError) -> [MediaEvent] {
        let message = try FrameMessage(parsing: bytes)
        switch message.kind {
        case .video: return try receiveVideo(message, timestamps: message.timestamps, arrival: arrivalMicroseconds)
        case .audio where message.codec != .standard:
            return try receiveG711(message, pts: message.timestamps?.pts ?? arrivalMicroseconds)
        case .audio: return try receiveAudio(message, pts: message.timestamps?.pts ?? arrivalMicroseconds)
        }
    }

    /// The end of the connection: packets still waiting go out with the tracks known.
    public mutating func finish() -> [MediaEvent] {
        guard started == nil, !pending.isEmpty else { return [] }
        return start()
    }

    private mutating func receiveVideo(_ message: FrameMessage, timestamps: (pts: Int64, dts: Int64)?, arrival: Int64)
        throws(IngestError) -> [MediaEvent]
    {
        let conversion = message.payload.withUnsafeBytes { AnnexB.toLengthPrefixed($0) }
        var events: [MediaEvent] = []
        let data: [UInt8]
        let isKeyframe: Bool
        var outputDelay: Int64 = 0
        if message.codec == .h265 {
            let unit: HEVCAccessUnit
            do {
                unit = try HEVCAccessUnit(lengthPrefixed: conversion.lengthPrefixed)
            } catch {
                // `toLengthPrefixed` writes every length right: this is a fault of ours.
                throw IngestError(.invalidStream, "frame message: the H.265 access unit does not split into NAL units: \(error)")
            }
            events += try configureHEVC(unit, isConfig: message.isConfig)
            // Notes the parameter sets of every message; a slice header that does not parse
            // leaves the picture in decoding order.
            let outputIndex = try? pictureOrder.outputIndex(of: unit)
            guard case .video(.hevc(let record), _, _, _)? = video?.format, !message.isConfig else { return events }
            data = unit.parameterSetsMatch(record) ? unit.withoutParameterSets : unit.lengthPrefixed
            isKeyframe = message.isKeyframe && unit.containsIRAP
            if let outputIndex {
                // How many frames after its decoding slot the picture is shown (§8.3.1 picture
                // order; `maxNumReorderPics` frames of delay keep it at or after its decode time).
                let delay = outputIndex + pictureOrder.maxNumReorderPics - orderedPictures
                outputDelay = Int64(min(max(delay, 0), Self.maximumOutputDelay))
                orderedPictures += 1
            }
        } else {
            let unit = H264AccessUnit(conversion)
            events += try configureH264(unit, isConfig: message.isConfig)
            guard case .video(.h264, _, _, _)? = video?.format, !message.isConfig else { return events }
            data = unit.lengthPrefixed
            isKeyframe = message.isKeyframe || unit.containsIDR
        }
        guard !data.isEmpty else { return events }
        return events + stampVideo(data, isKeyframe: isKeyframe, outputDelay: outputDelay, timestamps: timestamps, arrival: arrival)
    }

    /// The H.264 track from the message's SPS/PPS, when it has both: a new track when they
    /// differ from the current one's. Before any, or of the other codec, frames without
    /// parameter sets are undecodable: dropped before the first track, refused after it.
    private mutating func configureH264(_ unit: H264AccessUnit, isConfig: Bool) throws(IngestError) -> [MediaEvent] {
        guard let sps = unit.sequenceParameterSets.last, !unit.pictureParameterSets.isEmpty else {
            if isConfig { throw IngestError(.invalidStream, "frame message: a video config message needs an SPS and a PPS") }
            try checkCodecUnchanged(isH265: false)
            return []
        }
        let record: AVCDecoderConfigurationRecord
        let parsed: H264SPS
        do {
            record = try AVCDecoderConfigurationRecord(sps: sps, pps: unit.pictureParameterSets)
            parsed = try record.parsedSPS()
        } catch {
            throw IngestError(.invalidStream, "frame message: SPS/PPS do not parse: \(error)")
        }
        return adoptVideo(.h264(record), width: parsed.width, height: parsed.height, timing: parsed.timing)
    }

    /// The H.265 track from the message's VPS/SPS/PPS, when it has all three; otherwise as
    /// `configureH264`.
    private mutating func configureHEVC(_ unit: HEVCAccessUnit, isConfig: Bool) throws(IngestError) -> [MediaEvent] {
        guard !unit.videoParameterSets.isEmpty, !unit.sequenceParameterSets.isEmpty, !unit.pictureParameterSets.isEmpty else {
            if isConfig { throw IngestError(.invalidStream, "frame message: an H.265 config message needs a VPS, an SPS and a PPS") }
            try checkCodecUnchanged(isH265: true)
            return []
        }
        let record: HEVCDecoderConfigurationRecord
        let parsed: HEVCSPS
        do {
            record = try HEVCDecoderConfigurationRecord(
                vps: unit.videoParameterSets, sps: unit.sequenceParameterSets, pps: unit.pictureParameterSets)
            parsed = try record.parsedSPS()
        } catch {
            throw IngestError(.invalidStream, "frame message: H.265 VPS/SPS/PPS do not parse: \(error)")
        }
        return adoptVideo(.hevc(record), width: parsed.width, height: parsed.height, timing: parsed.timing)
    }

    /// A message without parameter sets must be of the track's codec: its frames cannot be
    /// decoded with the other codec's parameter sets.
    private func checkCodecUnchanged(isH265: Bool) throws(IngestError) {
        guard case .video(let codec, _, _, _)? = video?.format else { return }
        let trackIsH265 = if case .hevc = codec { true } else { false }
        guard trackIsH265 != isH265 else { return }
        let (was, now) = trackIsH265 ? ("H.265", "H.264 (codec 0)") : ("H.264", "H.265 (codec 1)")
        throw IngestError(
            .invalidStream,
            "frame message: \(now) video without its parameter sets on an \(was) track; a codec change needs a keyframe or config message with the new parameter sets"
        )
    }

    /// Makes `codec` the video track's; a new track when it differs.
    private mutating func adoptVideo(_ codec: VideoCodec, width: Int, height: Int, timing: VUITiming?) -> [MediaEvent] {
        let track = Track(id: 1, format: .video(codec: codec, width: width, height: height, timescale: Self.videoTimescale))
        if timing != videoTiming { (videoTiming, vuiContradicted) = (timing, false) }
        guard track != video else { return [] }
        video = track
        return tracksChanged()
    }

    /// Times one video sample (its own timestamps, or the frame grid) and queues it. Without
    /// timestamps, a picture shown `outputDelay` frames after its decoding slot (an H.265
    /// B-frame stream, from its picture order counts) gets its presentation time that many
    /// frames after its decode time; H.264 frames are presented at their decode time.
    private mutating func stampVideo(
        _ data: [UInt8], isKeyframe: Bool, outputDelay: Int64, timestamps: (pts: Int64, dts: Int64)?, arrival: Int64
    ) -> [MediaEvent] {
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
            presentation = decode + rate.time(ofFrame: outputDelay, timescale: Self.videoTimescale)
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
        return enqueue(MediaPacket(trackID: 1, dts: decode, pts: presentation, isKeyframe: isKeyframe, data: data))
    }

    private mutating func receiveAudio(_ message: FrameMessage, pts: Int64) throws(IngestError) -> [MediaEvent] {
        let (frames, _) = ADTS.frames(in: Array(message.payload))
        guard let first = frames.first else { throw IngestError(.invalidStream, "frame message: audio payload has no ADTS frame") }
        var events: [MediaEvent] = []
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

    private mutating func receiveG711(_ message: FrameMessage, pts: Int64) throws(IngestError) -> [MediaEvent] {
        guard droppedAudio == nil else { return [] }
        let law: G711Law = message.codec == .g711ALaw ? .aLaw : .muLaw
        var events: [MediaEvent] = []
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
    private mutating func dropAudio(because reason: String) -> [MediaEvent] {
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

    private mutating func tracksChanged() -> [MediaEvent] {
        guard started != nil else { return video != nil && audio != nil ? start() : [] }
        started = currentTracks
        return [.tracks(currentTracks)]
    }

    private mutating func enqueue(_ packet: MediaPacket) -> [MediaEvent] {
        if started != nil { return [.packet(packet)] }
        pending.append(packet)
        return pending.count >= Self.maximumPendingPackets ? start() : []
    }

    private mutating func start() -> [MediaEvent] {
        guard !currentTracks.isEmpty else { return [] }
        started = currentTracks
        let events = [MediaEvent.tracks(currentTracks)] + pending.map { .packet($0) }
        pending = []
        return events
    }
}
