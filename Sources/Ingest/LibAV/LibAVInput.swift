import CLibAV
import Logging
import Segmenter

/// A file or URL read with libavformat: mp4/mov, mkv, flv, mpegts, raw `.h264` / `.hevc` and ADTS `.aac`,
/// and whatever protocol libavformat speaks (rtsp://, srt://, http://, pipes).
///
/// Takes the first video and the first audio stream; every other stream is set to
/// `AVDISCARD_ALL` so the demuxer does not even assemble its packets. Only H.264 or HEVC video
/// and AAC, MP3, Opus or G.711 audio are accepted (MP3 and Opus are passed through; G.711 is
/// transcoded to AAC-LC, `G711AACTranscoder`) — an input whose first video or audio stream is
/// anything else fails to open (`.unsupportedCodec`), so asking for video never silently yields
/// audio only; with `dropsUnsupportedAudio` (live pulled sources) other audio is dropped
/// instead, with one warning, and the video kept.
///
/// Not `Sendable`: it owns a libavformat context, which must be used from one thread at a time,
/// and `nextPacket()` mutates read-ahead state. One task (or thread) opens it and reads it; to
/// hand it to another task, pass it as a `sending` value and do not keep a reference.
public final class LibAVInput {
    /// The tracks this input delivers, known once `init` returns: video first, then audio.
    public internal(set) var tracks: [Track]
    /// Set when reading stopped at a truncated or damaged part of the input rather than at its
    /// proper end. Everything before the damage was delivered.
    public internal(set) var endedWithDamage = false
    /// Warnings for the user (damage, skipped garbage), each logged once as well.
    public internal(set) var warnings: [String] = []

    public let url: String
    public let options: InputOptions

    let context: FormatContext
    let logger: Logger
    var video: VideoStreamState?
    var audio: AudioStreamState?
    /// Packets converted but not yet delivered (read ahead to find parameter sets, several ADTS
    /// frames from one demuxer packet, video held for dts back-filling). `head` avoids O(n) pops.
    var pending: [MediaPacket] = []
    var pendingHead = 0
    var finished = false
    var pacer: RealtimePacer?
    /// Garbage warnings are rate-limited: the first is logged, later ones only counted.
    var skippedGarbageBytes = 0
    /// pts − dts of the first video packet (see `keyframePresentationTimes`).
    var firstVideoCompositionDelay: Int64?
    /// The earliest and latest media time (seconds) read, to notice a file shorter than its header says.
    var mediaTimeRead: (start: Double, end: Double)?
    /// For unframed video (MPEG-TS, raw H.264 / HEVC): checks the last access unit at the end of input.
    var finalFrameCheck: FinalFrameCheck?
    /// The newest video packet of an unframed input, delivered once the next one arrives.
    var heldFinalVideo: MediaPacket?
    /// Set on the pre-scan reader: payloads are not copied, only timing is wanted.
    var metadataOnly = false
    /// Video packets handed to the timestamp fixer, and delivered: the same packets in the same
    /// order, so a configuration change recorded at one ordinal is delivered before that packet.
    var convertedVideoPackets = 0
    var deliveredVideoPackets = 0
    /// New video tracks by the ordinal of the packet they start with
    /// (`LibAVInput+ConfigurationChange`).
    var configurationChanges: [Int: Track] = [:]
    /// A packet whose track change `nextEvent()` handed out first.
    var packetAfterTrackChange: MediaPacket?

    /// Opens `url` and reads just enough to describe its tracks.
    public convenience init(url: String, options: InputOptions = InputOptions(), logger: Logger = Logger(label: "hlsseg.ingest"))
        throws(IngestError)
    {
        try self.init(url: url, options: options, logger: logger, metadataOnly: false)
    }

    init(url: String, options: InputOptions, logger: Logger, metadataOnly: Bool) throws(IngestError) {
        self.url = url
        self.options = options
        self.logger = logger
        context = try FormatContext(url: url, options: options)
        tracks = []
        pacer = options.realtime ? RealtimePacer() : nil
        self.metadataOnly = metadataOnly
        try selectStreams()
        try describeTracks()
        if video != nil, ["mpegts", "h264", "hevc"].contains(context.formatName) {
            finalFrameCheck = FinalFrameCheck()
        }
    }

    /// The track IDs packets carry: video 1 and audio 2 when both are present, otherwise 1.
    /// `MergedInput` overrides them (`assignTrackIDs`).
    public func assignTrackIDs(video videoID: UInt32?, audio audioID: UInt32?) {
        if let videoID { video?.trackID = videoID }
        if let audioID { audio?.trackID = audioID }
        tracks = tracks.map { track in
            var track = track
            track.id = (track.format.isVideo ? video?.trackID : audio?.trackID) ?? track.id
            return track
        }
    }

    /// The next event in demuxer order (packets interleaved as the input stores them), or `nil`
    /// at the end — also at damage, see `endedWithDamage`. Payloads are converted as
    /// `MediaPacket` documents; timestamps are in the track's timescale. `.tracks` comes when
    /// the video's parameter sets change mid-input, just before the first packet that uses the
    /// new ones (`tracks` then describes them).
    public func nextEvent() throws(IngestError) -> MediaEvent? {
        var packet: MediaPacket
        if let waiting = packetAfterTrackChange {
            packet = waiting
            packetAfterTrackChange = nil
        } else {
            guard let next = try nextConvertedPacket() else { return nil }
            packet = next
            if let video, packet.trackID == video.trackID, let changed = trackChange(deliveringVideo: packet) {
                tracks = tracks.map { $0.id == changed.id ? changed : $0 }
                packetAfterTrackChange = packet
                return .tracks(tracks)
            }
        }
        if var pacer {
            let timescale = packet.trackID == video?.trackID ? video?.timescale : audio?.timescale
            pacer.wait(untilMediaTime: Double(packet.dts) / Double(timescale ?? 1))
            self.pacer = pacer
        }
        return .packet(packet)
    }

    /// The next packet, passing over track changes (`tracks` describes the latest): for
    /// readers that only time or count packets.
    public func nextPacket() throws(IngestError) -> MediaPacket? {
        while let event = try nextEvent() {
            if case .packet(let packet) = event { return packet }
        }
        return nil
    }

    func nextConvertedPacket() throws(IngestError) -> MediaPacket? {
        while true {
            guard var packet = try nextPendingPacket() else { return releaseFinalVideo() }
            let isVideo = packet.trackID == Self.videoPlaceholderID
            packet.trackID = isVideo ? (video?.trackID ?? 1) : (audio?.trackID ?? 1)
            guard isVideo, finalFrameCheck != nil else { return packet }
            // Unframed video: hold the newest access unit back until the next one proves the
            // stream went on, so a cut-off last one can still be dropped.
            finalFrameCheck?.note(packet)
            let previous = heldFinalVideo
            heldFinalVideo = packet
            if let previous { return previous }
        }
    }

    private func nextPendingPacket() throws(IngestError) -> MediaPacket? {
        while pendingHead >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
            if finished { return nil }
            try readAndConvert()
        }
        pendingHead += 1
        return pending[pendingHead - 1]
    }

    /// At the end of an unframed input: the held last access unit, unless it does not decode.
    private func releaseFinalVideo() -> MediaPacket? {
        guard let last = heldFinalVideo, let check = finalFrameCheck, let configuration = video?.decoderConfiguration else {
            return nil
        }
        heldFinalVideo = nil
        finalFrameCheck = nil
        guard metadataOnly || check.lastAccessUnitDecodes(codec: configuration) else {
            endedWithDamage = true
            warn(
                "\(url) ends with an incomplete video frame (the input is truncated); that frame was dropped, everything before it is kept")
            return nil
        }
        return last
    }

    /// Packets in `pending` carry one of these until delivery, when the assigned IDs replace them.
    static let videoPlaceholderID: UInt32 = 0
    static let audioPlaceholderID: UInt32 = UInt32.max

    /// Queues converted packets for delivery and notes the media time they cover.
    func enqueue(_ packets: [MediaPacket], timescale: UInt32) {
        guard let first = packets.first, timescale > 0 else { return }
        if first.trackID == Self.videoPlaceholderID && firstVideoCompositionDelay == nil {
            firstVideoCompositionDelay = first.pts - first.dts
        }
        let scale = Double(timescale)
        var (start, end) = mediaTimeRead ?? (Double(first.pts) / scale, Double(first.pts) / scale)
        for packet in packets {
            start = min(start, Double(packet.pts) / scale)
            end = max(end, Double(packet.pts + (packet.duration ?? 0)) / scale)
        }
        mediaTimeRead = (start, end)
        pending.append(contentsOf: packets)
    }

    func warn(_ message: String) {
        warnings.append(message)
        logger.warning("\(message)")
    }
}

/// The chosen video stream and how its packets are converted.
struct VideoStreamState {
    enum Layout: Equatable {
        /// AVCC samples with this NAL length size (from avcC extradata).
        case lengthPrefixed(Int)
        /// Annex-B access units (mpegts, raw `.h264` / `.hevc`, some mkv).
        case annexB
    }

    /// HEVC (H.265) rather than H.264.
    let isHEVC: Bool

    let index: Int32
    let timeBase: AVRational
    let timescale: UInt32
    var layout: Layout
    var trackID: UInt32 = 1
    var fixer: VideoTimestampFixer
    /// Raw H.264 / HEVC (no timestamps): the grid its frames are stamped on, and its rate once chosen.
    var grid: SteadyFrameClock?
    var gridRate: FrameRate?
    /// The avcC or hvcC the track is described with, once known.
    var decoderConfiguration: VideoCodec?
    /// Raw HEVC: the picture order counts that give its frames their presentation order.
    var pictureOrder: HEVCPictureOrder?
    /// HEVC: in-band parameter sets that differ from the hvcC were seen (and kept in band).
    var warnedParameterSetChange = false
    /// The access unit being converted starts a new configuration (`decoderConfiguration`).
    var configurationChanged = false

    /// The codec's name for messages.
    var codecName: String { isHEVC ? "HEVC" : "H.264" }
    /// Packets delivered, to compare with the container's index (mov) at the end.
    var packetsRead = 0
}

/// The chosen audio stream.
struct AudioStreamState {
    let index: Int32
    let codecID: AVCodecID
    let timeBase: AVRational
    /// Samples per second (the output timescale); 0 until known from the first ADTS header.
    var timescale: UInt32
    /// Packets carry ADTS headers (no AudioSpecificConfig in the extradata).
    let adts: Bool
    var trackID: UInt32 = 2
    var smoother: AudioTimestampSmoother?
    var config: AudioSpecificConfig?
    /// MP3 and Opus (`LibAVInput+PassthroughAudio`): the codec once known.
    var passthrough: AudioCodec?
    var channels: Int
    var packetsRead = 0
    /// G.711 audio (pcm_mulaw / pcm_alaw) is transcoded to AAC-LC by this; `nil` for AAC.
    var g711: G711AACTranscoder?
    /// Where the next G.711 packet starts when the demuxer gives it no timestamp.
    var g711NextPTS: Int64 = 0
    /// The transcoder failed: the rest of the audio is dropped.
    var g711Failed = false

    /// Whether the track's configuration is known (AAC's config, or MP3's first frame header).
    var isDescribed: Bool { (config != nil || passthrough != nil) && timescale > 0 }

    /// Samples per AAC frame in the output timescale (1024 at the core rate; 2048 when the
    /// timescale is the doubled HE-AAC output rate); 1152 or 576 per MP3 frame.
    var frameDuration: Int64 {
        if case .mp3(let format)? = passthrough, timescale > 0 {
            return max(1, Int64(format.samplesPerFrame) * Int64(timescale) / Int64(format.sampleRate))
        }
        guard let config, config.sampleRate > 0, timescale > 0 else { return 1024 }
        return max(1, 1024 * Int64(timescale) / Int64(config.sampleRate))
    }
}
