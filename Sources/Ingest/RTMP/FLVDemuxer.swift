import Logging
import Segmenter

/// Turns the payloads of RTMP audio/video messages (FLV tag bodies, FLV spec v10.1 §E.4.2–3)
/// into tracks and `MediaPacket`s.
///
/// ```
/// VIDEODATA      = FrameType(4) CodecID(4)=7 AVCPacketType(8) CompositionTime(SI24) Data
///   AVCPacketType 0: AVCDecoderConfigurationRecord; 1: NAL units (length-prefixed); 2: end of sequence
///   CodecID 12 (HEVC, a de-facto extension): the same, with an HEVCDecoderConfigurationRecord
/// Enhanced RTMP video (first bit set): see `EnhancedVideoTag`; FourCC `hvc1` and `avc1`
/// AUDIODATA      = SoundFormat(4)=10 SoundRate(2) SoundSize(1) SoundType(1) AACPacketType(8) Data
///   AACPacketType 0: AudioSpecificConfig; 1: one raw AAC frame
/// AUDIODATA      = SoundFormat(4)=7 (A-law) or 8 (μ-law) SoundRate(2) SoundSize(1) SoundType(1) Data
///   G.711 codes, always 8 kHz (the rate bits do not apply); SoundType 1: two interleaved channels
/// AUDIODATA      = SoundFormat(4)=2 SoundRate(2) SoundSize(1) SoundType(1) Data
///   MP3 frames (MPEG-1/2/2.5 Layer III), each header giving its rate and channels
/// AUDIODATA      = SoundFormat(4)=9 (Enhanced RTMP audio): see `EnhancedAudioTag`; FourCC `Opus`
///   (SequenceStart: OpusHead; CodedFrames: one Opus packet), `mp4a` (as SoundFormat 10), `.mp3`
///   (as SoundFormat 2)
/// ```
/// Video is in milliseconds (timescale 1000, pts = dts + composition time); audio in samples at
/// its sample rate, its millisecond stamps smoothed to exact frame continuations. G.711 audio is
/// transcoded to AAC-LC (`G711AACTranscoder`), its packets timed by counted samples. MP3 passes
/// through, one frame per packet (`MPEGAudioFrameSplitter`). Opus passes through, one packet per
/// sample, at 48 kHz with each packet's duration from its TOC byte; Opus frames before the first
/// SequenceStart cannot be described and are dropped (an empty SequenceStart, which the
/// specification allows, stands for a stereo stream without pre-skip). Any other sound format
/// (Speex, Nellymoser, PCM, …) or Enhanced RTMP audio FourCC (`ac-3`, `ec-3`, `fLaC`, …) is
/// dropped with one warning: the stream goes on with its video. A G.711 transcoder that fails,
/// or MPEG audio that is not Layer III, also costs only the audio.
/// Enhanced RTMP Multitrack packets: the stream is TrackId 0 (the specification's default
/// track), video and audio alike; the data of other TrackIds is skipped with one warning per
/// stream and kind, whether it comes in its own packet or beside track 0's in one packet.
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
    /// Tracks other than TrackId 0 were skipped in video / audio Multitrack packets (and warned about once).
    private var warnedSkippedVideoTracks = false
    private var warnedSkippedAudioTracks = false
    private var started: [Track]?
    private var pending: [MediaPacket] = []
    private var videoClock = TimestampUnwrapper()
    private var audioClock = TimestampUnwrapper()
    private var smoother: AudioTimestampSmoother?
    private var g711: G711AACTranscoder?
    /// The start of an MP3 frame that the last tag cut short (shorter than
    /// `MPEGAudioFrameHeader.maxFrameLength`, as its header parsed).
    private var mp3PartialFrame: [UInt8] = []
    /// Why this stream's audio is dropped (an unsupported sound format, a failed transcoder);
    /// set once, with the one warning it gets.
    public private(set) var droppedAudio: String?
    private let g711BitRate: Int
    private let logName: String
    private let logger: Logger

    /// `logName` opens the warnings about dropped audio and skipped tracks (e.g.
    /// `rtmp 10.0.0.2:51234 (cam1)`), which go to `logger`; G.711 audio is transcoded at
    /// `g711BitRate` bits per second.
    public init(
        logName: String = "rtmp", g711BitRate: Int = G711Transcoding.bitRate, logger: Logger = Logger(label: "hlsseg.rtmp")
    ) {
        self.logName = logName
        self.g711BitRate = g711BitRate
        self.logger = logger
    }

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
    ///
    /// Legacy tags carry H.264 (codec id 7) or HEVC (codec id 12, the same header with an hvcC);
    /// Enhanced RTMP tags (`EnhancedVideoTag`) carry the FourCC `hvc1` or `avc1` (of track 0 in
    /// a Multitrack packet). Any other codec or FourCC, or an unknown packet type, closes the
    /// connection.
    public mutating func video(
        timestamp: UInt32, payload: consuming [UInt8], into events: inout [MediaEvent]
    ) throws(IngestError) {
        let frameType: UInt8
        let packetType: UInt8
        let cts: Int32
        let isHEVC: Bool
        let bodyRange: Range<Int>
        do {  // the reader shares the payload's storage only in here: `body` below is then its sole owner
            var header = ByteReader(copy payload)  // a second reference, not a copy of the bytes
            guard let first = header.readUInt8() else { return }
            if first & 0x80 != 0 {
                let tag = try EnhancedVideoTag(parsing: copy payload)
                if !tag.skippedTrackIDs.isEmpty { warnSkippedTracks(tag.skippedTrackIDs, video: true) }
                switch tag.content {
                case .ignored: return
                case .media(let fourCC, let type, let range):
                    switch fourCC {
                    case "hvc1": isHEVC = true
                    case "avc1": isHEVC = false
                    default:
                        throw IngestError(
                            .unsupportedCodec, "FLV: enhanced RTMP video FourCC '\(fourCC)' is not supported; send H.264 or H.265 (hvc1)")
                    }
                    frameType = tag.frameType
                    packetType = type == .codedFramesX ? 1 : type.rawValue  // 0, 1 or 2: as the legacy AVC packet types
                    cts = tag.compositionTime
                    bodyRange = range
                }
            } else {
                frameType = first >> 4
                let codecID = first & 0x0F
                guard codecID == 7 || codecID == 12 else {
                    throw IngestError(
                        .unsupportedCodec, "FLV: video codec id \(codecID) is not supported; send H.264 (codec id 7) or H.265 (12)")
                }
                if frameType == 5 { return }  // video info / command frame
                guard let type = header.readUInt8(), let time = header.readUInt24() else {
                    throw IngestError(.invalidStream, "FLV: \(codecID == 7 ? "AVC" : "HEVC") video tag shorter than its 5-byte header")
                }
                isHEVC = codecID == 12
                packetType = type
                cts = Int32(bitPattern: time << 8) >> 8  // CompositionTime is signed (SI24)
                bodyRange = 5..<payload.count
            }
        }
        let body = Self.bytes(bodyRange, of: consume payload)
        let codecName = isHEVC ? "HEVC" : "AVC"
        switch packetType {
        case 0:
            try Self.checkSequenceHeaderLength(body, of: codecName)
            let track: Track
            do {
                if isHEVC {
                    let record = try HEVCDecoderConfigurationRecord(parsing: body)
                    let sps = try record.parsedSPS()
                    nalLengthSize = record.nalLengthSize
                    track = Track(
                        id: Self.videoTrackID,
                        format: .video(codec: .hevc(record.markedCompleteForHVC1), width: sps.width, height: sps.height, timescale: 1000))
                } else {
                    let record = try AVCDecoderConfigurationRecord(parsing: body)
                    let sps = try record.parsedSPS()
                    nalLengthSize = record.nalLengthSize
                    track = Track(
                        id: Self.videoTrackID, format: .video(codec: .h264(record), width: sps.width, height: sps.height, timescale: 1000))
                }
            } catch {
                throw IngestError(.invalidStream, "FLV: \(codecName) sequence header does not parse: \(error)")
            }
            if video == track { return }
            video = track
            trackChange(into: &events)
        case 1:
            // Frames before the sequence header cannot be decoded.
            guard let video, case .video(let codec, _, _, _) = video.format else { return }
            guard !body.isEmpty else { return }
            let trackIsHEVC = if case .hevc = codec { true } else { false }
            guard trackIsHEVC == isHEVC else {
                throw IngestError(.invalidStream, "FLV: \(codecName) frames on a stream whose sequence header is another codec")
            }
            var data = body
            if nalLengthSize != 4 {
                do { data = try LengthPrefixed.convertToFourByteLengths(body, from: nalLengthSize) } catch {
                    throw IngestError(.invalidStream, "FLV: \(codecName) NAL units do not match their length prefixes: \(error)")
                }
            }
            var isKeyframe = frameType == 1
            if isHEVC, case .video(.hevc(let record), _, _, _) = video.format {
                // A NAL unit longer than its buffer is bad input; a keyframe must hold an IRAP picture.
                let unit: HEVCAccessUnit
                do { unit = try HEVCAccessUnit(lengthPrefixed: data) } catch {
                    throw IngestError(.invalidStream, "FLV: HEVC NAL units do not match their length prefixes: \(error)")
                }
                isKeyframe = isKeyframe && unit.containsIRAP
                if unit.hasParameterSets {
                    data = try inBandHEVCParameterSets(unit, record: record, isKeyframe: isKeyframe, into: &events)
                }
            }
            let dts = videoClock.unwrap(timestamp)
            enqueue(
                MediaPacket(trackID: Self.videoTrackID, dts: dts, pts: dts + Int64(cts), isKeyframe: isKeyframe, data: data),
                into: &events)
        default:
            return  // 2: end of sequence
        }
    }

    /// An HEVC access unit with VPS/SPS/PPS in band: the `hvc1` track declares its arrays
    /// complete, so those that repeat the sequence header's are taken out; a keyframe with a new
    /// set (an encoder that changed its settings without a new SequenceStart) is a new track,
    /// as a new sequence header is. Others (a PPS update) stay in band. Returns the sample data.
    private mutating func inBandHEVCParameterSets(
        _ unit: HEVCAccessUnit, record: HEVCDecoderConfigurationRecord, isKeyframe: Bool, into events: inout [MediaEvent]
    ) throws(IngestError) -> [UInt8] {
        if unit.parameterSetsMatch(record) { return unit.withoutParameterSets }
        guard isKeyframe else { return unit.lengthPrefixed }
        let changed: HEVCDecoderConfigurationRecord
        do {
            guard let new = try unit.newConfiguration(replacing: record) else { return unit.lengthPrefixed }
            changed = new
        } catch {
            throw IngestError(.invalidStream, "FLV: HEVC parameter sets sent in band do not parse: \(error)")
        }
        let sps: HEVCSPS
        do { sps = try changed.parsedSPS() } catch {
            throw IngestError(.invalidStream, "FLV: HEVC SPS sent in band does not parse: \(error)")
        }
        video = Track(
            id: Self.videoTrackID, format: .video(codec: .hevc(changed), width: sps.width, height: sps.height, timescale: 1000))
        trackChange(into: &events)
        return unit.withoutParameterSets
    }

    /// One audio message's payload, as `video(timestamp:payload:into:)`.
    public mutating func audio(
        timestamp: UInt32, payload: consuming [UInt8], into events: inout [MediaEvent]
    ) throws(IngestError) {
        guard let first = payload.first else { return }
        let format = first >> 4
        switch format {
        case 7, 8:
            try g711Audio(law: format == 8 ? .muLaw : .aLaw, stereo: first & 1 != 0, timestamp: timestamp, payload: payload, into: &events)
        case 2:
            try mp3Audio(timestamp: timestamp, frames: payload[1...], into: &events)
        case 9:
            try enhancedAudio(timestamp: timestamp, payload: consume payload, into: &events)
        case 10:
            guard droppedAudio == nil else { return }
            guard payload.count >= 2 else { throw IngestError(.invalidStream, "FLV: AAC audio tag shorter than its 2-byte header") }
            let (sequenceHeader, range) = (payload[1] == 0, 2..<payload.count)
            try aacAudio(sequenceHeader: sequenceHeader, timestamp: timestamp, body: Self.bytes(range, of: consume payload), into: &events)
        default:
            dropAudio(because: "FLV sound format \(format) (\(Self.soundFormatName(format))) is not supported", into: &events)
        }
    }

    /// SoundFormat 9 (`EnhancedAudioTag`): `Opus`, `mp4a` and `.mp3` of track 0. Another FourCC
    /// costs the audio; a header that does not parse closes the connection.
    private mutating func enhancedAudio(timestamp: UInt32, payload: consuming [UInt8], into events: inout [MediaEvent])
        throws(IngestError)
    {
        let tag = try EnhancedAudioTag(parsing: copy payload)
        if !tag.skippedTrackIDs.isEmpty { warnSkippedTracks(tag.skippedTrackIDs, video: false) }
        guard droppedAudio == nil, case .media(let fourCC, let packetType, let range) = tag.content else { return }
        switch fourCC {
        case "Opus":
            try opusAudio(
                sequenceStart: packetType == .sequenceStart, timestamp: timestamp, body: Self.bytes(range, of: consume payload),
                into: &events)
        case "mp4a":
            try aacAudio(
                sequenceHeader: packetType == .sequenceStart, timestamp: timestamp, body: Self.bytes(range, of: consume payload),
                into: &events)
        case ".mp3":
            guard packetType == .codedFrames else { return }  // MP3 has no sequence header: each frame describes itself
            try mp3Audio(timestamp: timestamp, frames: payload[range], into: &events)
        default:
            dropAudio(
                because: "enhanced RTMP audio FourCC '\(fourCC)' is not supported (Opus, mp4a and .mp3 are)", into: &events)
        }
    }

    /// AAC (SoundFormat 10, or the Enhanced RTMP FourCC `mp4a`): the AudioSpecificConfig when
    /// `sequenceHeader`, else one raw AAC frame; frames before the first config are dropped.
    private mutating func aacAudio(
        sequenceHeader: Bool, timestamp: UInt32, body: [UInt8], into events: inout [MediaEvent]
    ) throws(IngestError) {
        if sequenceHeader {
            let config = try Self.sequenceHeader(body, of: "AAC", named: "AudioSpecificConfig") { try AudioSpecificConfig(parsing: $0) }
            let channels = config.channelConfiguration == 0 ? 2 : Int(config.channelConfiguration)
            setAudioTrack(codec: .aac(config), sampleRate: config.sampleRate, channels: channels, into: &events)
            return
        }
        guard let audio, case .audio(_, let rate, _, _) = audio.format, !body.isEmpty else { return }
        enqueueAudio(body, timestamp: timestamp, sampleRate: rate, duration: Self.aacFrameLength, into: &events)
    }

    /// Opus (the Enhanced RTMP FourCC `Opus`): the ID header (`OpusHead`, RFC 7845 §5.1) when
    /// `sequenceStart`, else one Opus packet, timed at 48 kHz and lasting what its TOC byte says.
    private mutating func opusAudio(
        sequenceStart: Bool, timestamp: UInt32, body: [UInt8], into events: inout [MediaEvent]
    ) throws(IngestError) {
        if sequenceStart {
            let config =
                try body.isEmpty
                ? Self.defaultOpusConfig : Self.sequenceHeader(body, of: "Opus", named: "OpusHead") { try OpusSpecificConfig(opusHead: $0) }
            setAudioTrack(codec: .opus(config), sampleRate: OpusSpecificConfig.sampleRate, channels: config.channels, into: &events)
            return
        }
        guard let audio, case .audio(let codec, _, _, _) = audio.format, !body.isEmpty else { return }
        guard case .opus = codec else {
            throw IngestError(.invalidStream, "FLV: Opus frames on a stream whose audio sequence header is another codec")
        }
        let samples: Int
        do { samples = try OpusPacket.sampleCount(body) } catch {
            throw IngestError(.invalidStream, "FLV: Opus packet of \(body.count) bytes is malformed: \(error)")
        }
        enqueueAudio(body, timestamp: timestamp, sampleRate: OpusSpecificConfig.sampleRate, duration: Int64(samples), into: &events)
    }

    /// The configuration an empty Opus SequenceStart stands for: "default to mono/stereo mode"
    /// (enhanced-rtmp v2). A stereo decoder plays mono packets too; no pre-skip is known.
    static let defaultOpusConfig = OpusSpecificConfig(outputChannelCount: 2, preSkip: 0, inputSampleRate: 48_000)

    /// Makes `codec` the audio track (a track change when it differs from the current one),
    /// timed at `sampleRate`, with a smoother for the millisecond stamps of its frames.
    private mutating func setAudioTrack(codec: AudioCodec, sampleRate: Int, channels: Int, into events: inout [MediaEvent]) {
        let track = Track(
            id: Self.audioTrackID, format: .audio(codec: codec, sampleRate: sampleRate, channels: channels, timescale: UInt32(sampleRate)))
        if audio == track { return }
        audio = track
        smoother = AudioTimestampSmoother(tolerance: Int64((sampleRate + 999) / 1000))
        trackChange(into: &events)
    }

    /// One frame of `duration` samples stamped `timestamp` (milliseconds), placed by the smoother.
    private mutating func enqueueAudio(
        _ frame: [UInt8], timestamp: UInt32, sampleRate: Int, duration: Int64, into events: inout [MediaEvent]
    ) {
        let milliseconds = audioClock.unwrap(timestamp)
        let placed = smoother!.place((milliseconds * Int64(sampleRate) + 500) / 1000, duration: duration)
        enqueue(
            MediaPacket(trackID: Self.audioTrackID, dts: placed, pts: placed, duration: duration, isKeyframe: true, data: frame),
            into: &events)
    }

    /// FLV sound formats 7 and 8: one frame of G.711 codes after the 1-byte header, 8 kHz.
    private mutating func g711Audio(
        law: G711Law, stereo: Bool, timestamp: UInt32, payload: [UInt8], into events: inout [MediaEvent]
    ) throws(IngestError) {
        guard droppedAudio == nil else { return }
        let channels = stereo ? 2 : 1
        if let g711, g711.law != law || g711.channels != channels {
            dropAudio(because: "the audio changed from \(g711.law) to \(law) mid-stream", into: &events)
            return
        }
        let transcoder: G711AACTranscoder
        if let g711 {
            transcoder = g711
        } else {
            do throws(IngestError) {
                transcoder = try G711AACTranscoder(law: law, sampleRate: Self.g711SampleRate, channels: channels, bitRate: g711BitRate)
            } catch {
                dropAudio(because: "\(law) audio cannot be transcoded to AAC: \(error.reason)", into: &events)
                return
            }
            g711 = transcoder
        }
        // An impossible frame length is bad input: it closes the connection.
        try transcoder.checkFrameLength(payload.count - 1)
        let milliseconds = audioClock.unwrap(timestamp)
        var packets: [MediaPacket] = []
        do throws(IngestError) {
            try transcoder.transcode(
                payload[1...], pts: milliseconds * Int64(Self.g711SampleRate) / 1000, trackID: Self.audioTrackID, into: &packets)
        } catch {
            dropAudio(because: "transcoding \(law) audio to AAC failed: \(error.reason)", into: &events)
            return
        }
        let track = Track(id: Self.audioTrackID, format: transcoder.format)
        if audio != track {  // the first G.711 frame, or one after AAC audio
            audio = track
            trackChange(into: &events)
        }
        for packet in packets { enqueue(packet, into: &events) }
    }

    /// MP3 frames (FLV sound format 2 after its 1-byte header, or the Enhanced RTMP FourCC
    /// `.mp3`, as CodedFrames): each frame header gives its rate
    /// and channels (the SoundRate bits do not apply), a change of either is a new track. A tag
    /// holds whole frames as a rule: several are split apart, and a frame the tag cuts short waits
    /// for the next tag. The first frame that starts in a tag takes the tag's stamp (smoothed to
    /// the continuation), the later ones follow it by 1152 or 576 samples. Bytes that are no
    /// frame are bad input and close the connection; MPEG audio that is not Layer III (or is free
    /// format) is a codec we do not carry and costs only the audio.
    private mutating func mp3Audio(timestamp: UInt32, frames: ArraySlice<UInt8>, into events: inout [MediaEvent]) throws(IngestError) {
        guard droppedAudio == nil else { return }
        var bytes = mp3PartialFrame
        let carried = bytes.count
        bytes.append(contentsOf: frames)
        let split = bytes.withUnsafeBytes { MPEGAudioFrameSplitter.split($0, keepingPartialFrame: true) }
        if let error = split.errorAtStart, error.code == .unsupported {
            dropAudio(because: "FLV sound format 2 (MP3) carries audio that cannot pass through: \(error.reason)", into: &events)
            return
        }
        guard split.skipped == 0 else {
            let why = split.errorAtStart.map { " (\($0.reason))" } ?? ""
            throw IngestError(.invalidStream, "FLV: MP3 audio tag holds \(split.skipped) bytes that start no MP3 frame\(why)")
        }
        mp3PartialFrame = split.partialFrameStart.map { Array(bytes[$0...]) } ?? []
        guard !split.frames.isEmpty else { return }
        let milliseconds = audioClock.unwrap(timestamp)
        var tagStampUsed = false
        for frame in split.frames {
            let format = frame.header.format
            setAudioTrack(codec: .mp3(format), sampleRate: format.sampleRate, channels: format.channels, into: &events)
            // A carried frame started in the last tag: it follows that tag's frames.
            let stamped = (!tagStampUsed && frame.range.lowerBound >= carried) || smoother!.next == nil
            if stamped { tagStampUsed = true }
            let duration = Int64(format.samplesPerFrame)
            let placed = smoother!.place(stamped ? (milliseconds * Int64(format.sampleRate) + 500) / 1000 : nil, duration: duration)
            enqueue(
                MediaPacket(
                    trackID: Self.audioTrackID, dts: placed, pts: placed, duration: duration, isKeyframe: true,
                    data: Array(bytes[frame.range])),
                into: &events)
        }
    }

    /// Skips the tracks other than track 0 of a Multitrack packet, with one warning per stream
    /// and kind: a stream is one rendition, track 0 (the default track of the specification).
    private mutating func warnSkippedTracks(_ trackIDs: [UInt8], video: Bool) {
        let warned = video ? warnedSkippedVideoTracks : warnedSkippedAudioTracks
        guard !warned else { return }
        if video { warnedSkippedVideoTracks = true } else { warnedSkippedAudioTracks = true }
        let kind = video ? "video" : "audio"
        let named = Set(trackIDs).sorted().map(String.init).joined(separator: ", ")
        logger.warning("\(logName): multitrack \(kind): only track 0 is kept; track \(named) and any other track are skipped")
    }

    /// A sequence header (decoder configuration) is held for the stream's life: longer than
    /// `RTMPLimits.maximumSequenceHeaderLength` closes the connection.
    private static func checkSequenceHeaderLength(_ body: [UInt8], of codec: String) throws(IngestError) {
        guard body.count <= RTMPLimits.maximumSequenceHeaderLength else {
            throw IngestError(
                .limitExceeded, "FLV: \(codec) sequence header of \(body.count) bytes exceeds \(RTMPLimits.maximumSequenceHeaderLength)")
        }
    }

    /// A sequence header that `parse` reads, e.g. an AudioSpecificConfig: one too long or that
    /// does not parse closes the connection.
    private static func sequenceHeader<Config>(
        _ body: [UInt8], of codec: String, named structure: String, _ parse: ([UInt8]) throws -> Config
    ) throws(IngestError) -> Config {
        try checkSequenceHeaderLength(body, of: codec)
        do { return try parse(body) } catch {
            throw IngestError(.invalidStream, "FLV: \(codec) sequence header (\(structure)) does not parse: \(error)")
        }
    }

    /// The bytes of `payload` in `range`, in the payload's own storage when nothing else holds it.
    private static func bytes(_ range: Range<Int>, of payload: consuming [UInt8]) -> [UInt8] {
        payload.removeSubrange(range.upperBound...)
        payload.removeSubrange(..<range.lowerBound)
        return payload
    }

    /// G.711 in FLV is always 8 kHz, whatever the SoundRate bits say.
    static let g711SampleRate = 8000

    /// Stops taking audio for the rest of the stream, with one warning; the video goes on
    /// (without an audio track from the next init on, when audio had started).
    private mutating func dropAudio(because reason: String, into events: inout [MediaEvent]) {
        guard droppedAudio == nil else { return }
        droppedAudio = reason
        logger.warning("\(logName): \(reason); the stream goes on without audio")
        g711 = nil
        mp3PartialFrame = []
        expectAudio = false
        pending.removeAll { $0.trackID == Self.audioTrackID }
        if audio != nil {
            audio = nil
            if started != nil {
                started = currentTracks
                events.append(.tracks(currentTracks))
            }
        } else if started == nil {
            startIfReady(force: false, into: &events)
        }
    }

    /// The FLV spec's names of its sound formats (E.4.2.1), for warnings.
    static func soundFormatName(_ format: UInt8) -> String {
        switch format {
        case 0: "linear PCM, platform endian"
        case 1: "ADPCM"
        case 2: "MP3"
        case 3: "linear PCM, little endian"
        case 4: "Nellymoser 16 kHz mono"
        case 5: "Nellymoser 8 kHz mono"
        case 6: "Nellymoser"
        case 9: "enhanced RTMP audio"
        case 11: "Speex"
        case 14: "MP3 8 kHz"
        case 15: "device-specific sound"
        default: "reserved"
        }
    }

    private var currentTracks: [Track] { [video, audio].compactMap { $0 } }

    private mutating func trackChange(into events: inout [MediaEvent]) {
        if started != nil {
            started = currentTracks
            events.append(.tracks(currentTracks))
            return
        }
        startIfReady(force: false, into: &events)
    }

    private mutating func enqueue(_ packet: MediaPacket, into events: inout [MediaEvent]) {
        if started != nil {
            events.append(.packet(packet))
            return
        }
        pending.append(packet)
        startIfReady(force: pending.count >= RTMPLimits.maximumPendingPackets, into: &events)
    }

    private mutating func startIfReady(force: Bool, into events: inout [MediaEvent]) {
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
