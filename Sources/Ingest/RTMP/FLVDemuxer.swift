import Segmenter

/// Turns the payloads of RTMP audio/video messages (FLV tag bodies, FLV spec v10.1 §E.4.2–3)
/// into tracks and `MediaPacket`s.
///
/// ```
/// VIDEODATA      = FrameType(4) CodecID(4)=7 AVCPacketType(8) CompositionTime(SI24) Data
///   AVCPacketType 0: AVCDecoderConfigurationRecord; 1: NAL units (length-prefixed); 2: end of sequence
/// AUDIODATA      = SoundFormat(4)=10 SoundRate(2) SoundSize(1) SoundType(1) AACPacketType(8) Data
///   AACPacketType 0: AudioSpecificConfig; 1: one raw AAC frame
/// ```
/// Video is in milliseconds (timescale 1000, pts = dts + composition time); audio in samples at
/// its sample rate, its millisecond stamps smoothed to exact frame continuations.
/// Packets wait until every track announced in `onMetaData` has its sequence header (bounded by
/// `RTMPLimits.maximumPendingPackets`), so the tracks are known before the first packet.
public struct FLVDemuxer: Sendable {
    public static let videoTrackID: UInt32 = 1
    public static let audioTrackID: UInt32 = 2
    static let aacFrameLength: Int64 = 1024

    private var expectVideo: Bool?
    private var expectAudio: Bool?
    private var video: Track?
    private var audio: Track?
    private var nalLengthSize = 4
    private var started: [Track]?
    private var pending: [MediaPacket] = []
    private var videoClock = TimestampUnwrapper()
    private var audioClock = TimestampUnwrapper()
    private var smoother: AudioTimestampSmoother?

    public init() {}

    /// The tracks currently in use (after the stream started).
    public var tracks: [Track]? { started }

    /// `onMetaData`: which tracks to wait for.
    public mutating func metadata(_ values: [AMF0Value]) {
        guard let table = values.first(where: { $0["videocodecid"] != nil || $0["audiocodecid"] != nil }) else { return }
        expectVideo = table["videocodecid"].map { $0 != .null && $0 != .undefined } ?? false
        expectAudio = table["audiocodecid"].map { $0 != .null && $0 != .undefined } ?? false
    }

    /// One video message's payload; appends the events it makes (none, a track change, a
    /// packet, or the start: tracks and the packets that waited for them) to `events`. A
    /// payload nothing else holds becomes the packet's data without a copy.
    public mutating func video(
        timestamp: UInt32, payload: consuming [UInt8], into events: inout [LiveMediaEvent]
    ) throws(IngestError) {
        let frameType: UInt8
        let packetType: UInt8
        let cts: Int32
        do {  // the reader shares the payload's storage only in here: `body` below is then its sole owner
            var header = ByteReader(copy payload)  // a second reference, not a copy of the bytes
            guard let first = header.readUInt8() else { return }
            frameType = first >> 4
            let codecID = first & 0x0F
            if first & 0x80 != 0 && codecID != 7 {
                throw IngestError(.unsupportedCodec, "FLV: enhanced RTMP video (HEVC/AV1/VP9 FourCC) is not supported; send H.264")
            }
            guard codecID == 7 else {
                throw IngestError(.unsupportedCodec, "FLV: video codec id \(codecID) is not supported; send H.264 (codec id 7)")
            }
            if frameType == 5 { return }  // video info / command frame
            guard let type = header.readUInt8(), let time = header.readUInt24() else {
                throw IngestError(.invalidStream, "FLV: AVC video tag shorter than its 5-byte header")
            }
            packetType = type
            cts = Int32(bitPattern: time << 8) >> 8  // CompositionTime is signed (SI24)
        }
        var body = consume payload
        body.removeFirst(5)
        switch packetType {
        case 0:
            guard body.count <= RTMPLimits.maximumSequenceHeaderLength else {
                throw IngestError(
                    .limitExceeded, "FLV: AVC sequence header of \(body.count) bytes exceeds \(RTMPLimits.maximumSequenceHeaderLength)")
            }
            let record: AVCDecoderConfigurationRecord
            let sps: H264SPS
            do {
                record = try AVCDecoderConfigurationRecord(parsing: body)
                sps = try record.parsedSPS()
            } catch {
                throw IngestError(.invalidStream, "FLV: AVC sequence header does not parse: \(error)")
            }
            nalLengthSize = record.nalLengthSize
            let track = Track(
                id: Self.videoTrackID, format: .video(codec: .h264(record), width: sps.width, height: sps.height, timescale: 1000))
            if video == track { return }
            video = track
            trackChange(into: &events)
        case 1:
            guard video != nil else { return }  // frames before the sequence header cannot be decoded
            guard !body.isEmpty else { return }
            var data = body
            if nalLengthSize != 4 {
                do { data = try LengthPrefixed.convertToFourByteLengths(body, from: nalLengthSize) } catch {
                    throw IngestError(.invalidStream, "FLV: AVC NAL units do not match their length prefixes: \(error)")
                }
            }
            let dts = videoClock.unwrap(timestamp)
            enqueue(
                MediaPacket(trackID: Self.videoTrackID, dts: dts, pts: dts + Int64(cts), isKeyframe: frameType == 1, data: data),
                into: &events)
        default:
            return  // 2: end of sequence
        }
    }

    /// One audio message's payload, as `video(timestamp:payload:into:)`.
    public mutating func audio(
        timestamp: UInt32, payload: consuming [UInt8], into events: inout [LiveMediaEvent]
    ) throws(IngestError) {
        let packetType: UInt8
        do {  // as in `video`: the reader is gone before `body` takes the payload
            var header = ByteReader(copy payload)  // a second reference, not a copy of the bytes
            guard let first = header.readUInt8() else { return }
            let format = first >> 4
            guard format == 10 else {
                throw IngestError(.unsupportedCodec, "FLV: audio format \(format) is not supported; send AAC (sound format 10)")
            }
            guard let type = header.readUInt8() else {
                throw IngestError(.invalidStream, "FLV: AAC audio tag shorter than its 2-byte header")
            }
            packetType = type
        }
        var body = consume payload
        body.removeFirst(2)
        if packetType == 0 {
            guard body.count <= RTMPLimits.maximumSequenceHeaderLength else {
                throw IngestError(
                    .limitExceeded, "FLV: AAC sequence header of \(body.count) bytes exceeds \(RTMPLimits.maximumSequenceHeaderLength)")
            }
            let config: AudioSpecificConfig
            do { config = try AudioSpecificConfig(parsing: body) } catch {
                throw IngestError(.invalidStream, "FLV: AAC sequence header (AudioSpecificConfig) does not parse: \(error)")
            }
            let channels = config.channelConfiguration == 0 ? 2 : Int(config.channelConfiguration)
            let track = Track(
                id: Self.audioTrackID,
                format: .audio(codec: .aac(config), sampleRate: config.sampleRate, channels: channels, timescale: UInt32(config.sampleRate))
            )
            if audio == track { return }
            audio = track
            smoother = AudioTimestampSmoother(tolerance: Int64((config.sampleRate + 999) / 1000))
            trackChange(into: &events)
            return
        }
        guard let audio, case .audio(_, let rate, _, _) = audio.format, !body.isEmpty else { return }
        let milliseconds = audioClock.unwrap(timestamp)
        let samples = (milliseconds * Int64(rate) + 500) / 1000
        let placed = smoother!.place(samples, duration: Self.aacFrameLength)
        enqueue(
            MediaPacket(trackID: Self.audioTrackID, dts: placed, pts: placed, duration: Self.aacFrameLength, isKeyframe: true, data: body),
            into: &events)
    }

    private var currentTracks: [Track] { [video, audio].compactMap { $0 } }

    private mutating func trackChange(into events: inout [LiveMediaEvent]) {
        if started != nil {
            started = currentTracks
            events.append(.tracks(currentTracks))
            return
        }
        startIfReady(force: false, into: &events)
    }

    private mutating func enqueue(_ packet: MediaPacket, into events: inout [LiveMediaEvent]) {
        if started != nil {
            events.append(.packet(packet))
            return
        }
        pending.append(packet)
        startIfReady(force: pending.count >= RTMPLimits.maximumPendingPackets, into: &events)
    }

    private mutating func startIfReady(force: Bool, into events: inout [LiveMediaEvent]) {
        let haveVideo = video != nil
        let haveAudio = audio != nil
        let ready =
            force
            || ((expectVideo ?? true) == false || haveVideo) && ((expectAudio ?? true) == false || haveAudio)
        guard ready, haveVideo || haveAudio else { return }
        started = currentTracks
        events.append(.tracks(currentTracks))
        for packet in pending { events.append(.packet(packet)) }
        pending = []
    }
}
