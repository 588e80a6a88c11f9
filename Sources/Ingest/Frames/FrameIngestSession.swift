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
/// - Without timestamps, the arrival time (microseconds since the connection opened) is used.
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

    public init() {}

    public mutating func receive(_ bytes: [UInt8], arrivalMicroseconds: Int64) throws(IngestError) -> [LiveMediaEvent] {
        let message = try FrameMessage(parsing: bytes)
        let times = message.timestamps ?? (arrivalMicroseconds, arrivalMicroseconds)
        switch message.kind {
        case .video: return try receiveVideo(message, pts: times.pts, dts: times.dts)
        case .audio: return try receiveAudio(message, pts: times.pts)
        }
    }

    /// The end of the connection: packets still waiting go out with the tracks known.
    public mutating func finish() -> [LiveMediaEvent] {
        guard started == nil, !pending.isEmpty else { return [] }
        return start()
    }

    private mutating func receiveVideo(_ message: FrameMessage, pts: Int64, dts: Int64) throws(IngestError) -> [LiveMediaEvent] {
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
        var decode = Self.ticks(dts, Self.videoTimescale)
        if let last = lastVideoDTS, decode <= last { decode = last + 1 }  // arrival times may tie
        lastVideoDTS = decode
        let presentation = max(decode, Self.ticks(pts, Self.videoTimescale))
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
