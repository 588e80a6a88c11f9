import Segmenter
import Synchronization

/// Turns one stream's G.711 audio into AAC-LC packets, on the fly, with timestamps from counted
/// samples. RTMP (FLV sound formats 7 and 8), WebSocket frames and libavformat inputs all use
/// it, so G.711 never reaches the Segmenter.
///
/// Timing: the track's timescale is the sample rate. The first packet's `pts` is the first
/// input's `pts`; each later packet follows the one before by its 1024 samples, counted, never
/// read from a clock, so there is no drift however long the stream runs. The encoder's priming
/// packet is dropped (`AACFrameEncoder`), which keeps input sample 0 at the first input's
/// time and so keeps the audio where the source put it against the video.
///
/// Gaps: an input whose `pts` is more than `resyncThreshold` away from where the counted
/// samples say it should be (a publisher that paused, or a clock that jumped) flushes the
/// encoder (the last partial frame goes out, shortened) and starts counting again from that
/// input's `pts` — never earlier than the end of what was already sent, so packets never
/// overlap.
///
/// One encoder per stream, single-threaded; a `Mutex` guards it so the transcoder can live
/// in the `Sendable` state machines of the sources (each source calls it from one place only,
/// so the lock is never contended).
public final class G711AACTranscoder: Sendable {
    /// Largest G.711 frame accepted, in bytes: 4 s of 8 kHz mono. Cameras send 20–160 ms a
    /// frame and libavformat's raw PCM demuxers a few KiB a packet; more is a broken or hostile
    /// sender.
    public static let maximumFrameLength = 32_768
    /// How far (in samples) an input may be from its counted place before the counter starts
    /// again from it: one AAC frame. RTMP's millisecond stamps and arrival jitter stay far below.
    public static let resyncThreshold = Int64(AACFrameEncoder.frameLength)

    public let law: G711Law
    public let sampleRate: Int
    public let channels: Int
    public let bitRate: Int
    /// The AAC track's configuration (from the encoder's extradata).
    public let audioSpecificConfig: AudioSpecificConfig

    private struct State: ~Copyable {
        var encoder: AACFrameEncoder
        /// The pts (samples) of the current run's first input.
        var inputStart: Int64 = 0
        /// Where the current run's first sample is placed: `inputStart`, or the end of what was
        /// sent when the input jumped back.
        var start: Int64?
        /// Samples taken since `start`.
        var taken: Int64 = 0
        /// The end of the last packet sent.
        var sentEnd: Int64?
    }

    private let state: Mutex<State>
    private let table: [Float]

    /// A transcoder for `law` audio at `sampleRate` with `channels` interleaved channels; fails
    /// when libavcodec has no AAC encoder or it does not open for that rate and layout.
    public init(law: G711Law, sampleRate: Int = 8000, channels: Int = 1, bitRate: Int = G711Transcoding.bitRate)
        throws(IngestError)
    {
        guard (1...2).contains(channels) else {
            throw IngestError(.unsupportedCodec, "\(law) audio with \(channels) channels is not supported (1 or 2)")
        }
        let encoder = try AACFrameEncoder(sampleRate: sampleRate, channels: channels, bitRate: bitRate)
        self.law = law
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitRate = bitRate
        audioSpecificConfig = encoder.audioSpecificConfig
        table = law.floatTable
        state = Mutex(State(encoder: encoder))
    }

    /// The AAC track the packets belong to.
    public var format: TrackFormat {
        .audio(codec: .aac(audioSpecificConfig), sampleRate: sampleRate, channels: channels, timescale: UInt32(sampleRate))
    }

    /// Checks a G.711 frame's length: not empty, at most `maximumFrameLength`, whole samples.
    public func checkFrameLength(_ count: Int) throws(IngestError) {
        guard count > 0 else { throw IngestError(.invalidStream, "\(law) frame without samples") }
        guard count <= Self.maximumFrameLength else {
            throw IngestError(.limitExceeded, "\(law) frame of \(count) bytes exceeds \(Self.maximumFrameLength)")
        }
        guard count % channels == 0 else {
            throw IngestError(.invalidStream, "\(law) frame of \(count) bytes is not a whole number of \(channels)-channel samples")
        }
    }

    /// Transcodes one G.711 frame whose first sample is at `pts` (in samples), appending the AAC
    /// packets it completes (track `trackID`) to `packets`. Throws for a frame of impossible
    /// length (`checkFrameLength`) or an encoder failure.
    public func transcode(_ codes: [UInt8], pts: Int64, trackID: UInt32, into packets: inout [MediaPacket]) throws(IngestError) {
        try transcode(codes[...], pts: pts, trackID: trackID, into: &packets)
    }

    /// `transcode(_:pts:trackID:into:)` for bytes in an array slice (a payload after its header).
    public func transcode(_ codes: ArraySlice<UInt8>, pts: Int64, trackID: UInt32, into packets: inout [MediaPacket])
        throws(IngestError)
    {
        try checkFrameLength(codes.count)
        let table = table
        let sampleRate = sampleRate
        let channels = channels
        let bitRate = bitRate
        let made = try state.withLock { state throws(IngestError) -> [MediaPacket] in
            var made: [MediaPacket] = []
            if state.start != nil {
                let expected = state.inputStart + state.taken
                if abs(pts - expected) > Self.resyncThreshold {
                    made = try Self.flush(&state, trackID: trackID)
                    state.encoder = try AACFrameEncoder(sampleRate: sampleRate, channels: channels, bitRate: bitRate)
                    state.inputStart = pts
                    state.start = max(pts, state.sentEnd ?? pts)
                    state.taken = 0
                }
            } else {
                state.inputStart = pts
                state.start = max(pts, state.sentEnd ?? pts)
            }
            let start = state.start!
            var sentEnd = state.sentEnd
            try state.encoder.append(codes, table: table) { time, duration, data in
                guard time >= 0 else { return }  // the priming packet
                made.append(
                    MediaPacket(trackID: trackID, dts: start + time, pts: start + time, duration: duration, isKeyframe: true, data: data))
                sentEnd = start + time + duration
            }
            state.sentEnd = sentEnd
            state.taken += Int64(codes.count / channels)
            return made
        }
        packets.append(contentsOf: made)
    }

    /// The end of the input: the samples still in the encoder go out (the last packet shorter).
    /// Further input starts a new run, as after a gap.
    public func finish(trackID: UInt32, into packets: inout [MediaPacket]) throws(IngestError) {
        let sampleRate = sampleRate
        let channels = channels
        let bitRate = bitRate
        let made = try state.withLock { state throws(IngestError) -> [MediaPacket] in
            guard state.start != nil else { return [] }
            let made = try Self.flush(&state, trackID: trackID)
            state.encoder = try AACFrameEncoder(sampleRate: sampleRate, channels: channels, bitRate: bitRate)
            state.start = nil
            state.taken = 0
            return made
        }
        packets.append(contentsOf: made)
    }

    private static func flush(_ state: inout State, trackID: UInt32) throws(IngestError) -> [MediaPacket] {
        guard let start = state.start else { return [] }
        var made: [MediaPacket] = []
        var sentEnd = state.sentEnd
        try state.encoder.finish { time, duration, data in
            guard time >= 0 else { return }
            made.append(
                MediaPacket(trackID: trackID, dts: start + time, pts: start + time, duration: duration, isKeyframe: true, data: data))
            sentEnd = start + time + duration
        }
        state.sentEnd = sentEnd
        return made
    }
}
