import CLibAV
import Segmenter

/// MP3 and Opus audio, carried into fMP4 unchanged (no transcoding): one MP3 frame or one Opus
/// packet per sample.
///
/// - MP3 (MPEG-1/2/2.5 Layer III): no extradata; the first frame header gives the version, rate
///   and channels. Demuxer packets are split at frame headers, so a container that packs several
///   frames into one packet still gives one sample per frame; bytes that are no frame are skipped
///   as garbage. Each frame lasts 1152 (MPEG-1) or 576 samples.
/// - Opus: the extradata is the `OpusHead` (RFC 7845) for Ogg, Matroska/WebM and MP4 alike; the
///   timescale is 48000; each packet's duration comes from its TOC byte, exact even where the
///   container's clock is milliseconds.
extension LibAVInput {
    /// Audio codecs passed through besides AAC.
    static let passthroughAudioCodecs = [AV_CODEC_ID_MP3, AV_CODEC_ID_OPUS]

    /// The Opus configuration from the stream's extradata; MP3 waits for its first frame.
    func describePassthroughAudio() throws(IngestError) {
        guard let audio, audio.codecID == AV_CODEC_ID_OPUS else { return }
        guard let extradata = extradataBytes(stream: audio.index) else {
            throw IngestError(.invalidStream, "\(url): the Opus stream has no OpusHead (codec extradata)")
        }
        do {
            self.audio?.passthrough = .opus(try OpusSpecificConfig(opusHead: extradata))
            self.audio?.timescale = UInt32(OpusSpecificConfig.sampleRate)
        } catch {
            throw IngestError(.invalidStream, "\(url): the Opus header (OpusHead) does not parse (\(error))")
        }
    }

    /// The track format of an MP3 or Opus stream once described.
    func passthroughAudioFormat(_ audio: AudioStreamState) -> TrackFormat? {
        switch audio.passthrough {
        case .mp3(let format)?:
            .audio(codec: .mp3(format), sampleRate: format.sampleRate, channels: format.channels, timescale: audio.timescale)
        case .opus(let config)?:
            .audio(codec: .opus(config), sampleRate: OpusSpecificConfig.sampleRate, channels: config.channels, timescale: audio.timescale)
        default:
            nil
        }
    }

    /// Splits one demuxer packet of MP3 into frames, each a sample of its own. A stream that
    /// starts with Layer I or II frames is refused (MP4 labels MPEG-1 Layer II with the same
    /// object type as MP3, so libavformat may call it MP3); later bad frames are garbage.
    func convertMP3(_ bytes: UnsafeRawBufferPointer, stamp: Int64, libavDuration: Int64, state: inout AudioStreamState)
        throws(IngestError)
    {
        let split = MPEGAudioFrameSplitter.split(bytes, keepingPartialFrame: false)
        if let error = split.errorAtStart, error.code == .unsupported, state.passthrough == nil {
            throw IngestError(.unsupportedCodec, "\(url): the MP3 stream is not MP3: \(error.reason)")
        }
        if let first = split.frames.first, state.passthrough == nil {
            state.passthrough = .mp3(first.header.format)
            state.timescale = UInt32(first.header.sampleRate)
            if state.channels <= 0 { state.channels = first.header.channels }
        }
        if split.skipped > 0 { noteGarbage(split.skipped) }
        let frames = split.frames.map(\.range)
        var stamp = stamp
        for frame in frames {
            // The container's duration covers the whole packet: usable only for a packet of one frame.
            appendAudio(
                copyBytes(UnsafeRawBufferPointer(rebasing: bytes[frame])), stamp: stamp,
                libavDuration: frames.count == 1 ? libavDuration : nil,
                state: &state)
            stamp = hlsseg_nopts_value()  // later frames of the packet follow the first
        }
    }

    /// One Opus packet, its duration from the TOC byte.
    func convertOpus(_ bytes: UnsafeRawBufferPointer, stamp: Int64, state: inout AudioStreamState) {
        let samples: Int
        do {
            samples = try OpusPacket.sampleCount(bytes)
        } catch {
            noteGarbage(bytes.count)
            return
        }
        appendAudio(copyBytes(bytes), stamp: stamp, libavDuration: nil, frameDuration: Int64(samples), state: &state)
    }
}
