import CLibAV
import Glibc
import Segmenter

/// One libavcodec native `aac` encoder (AAC-LC, its "fast" coder) fed planar float samples,
/// 1024 a frame.
///
/// The encoder's frame `pts` are counted samples from 0 (its time base is 1 / sample rate), so
/// the packets it returns carry the counted times too. It delays its output by one frame
/// (`initial_padding` = 1024 samples): the first packet decodes to that priming and has a
/// negative `pts`; the caller drops it, which puts input sample 0 at packet time 0 (hlsseg
/// writes no edit lists, so priming cannot be hidden any other way without shifting the audio
/// against the video).
///
/// Owns its context, frame and packet; not copyable so they are freed exactly once.
struct AACFrameEncoder: ~Copyable {
    /// Samples per AAC-LC frame, the encoder's `frame_size`.
    static let frameLength = 1024

    private let context: UnsafeMutablePointer<AVCodecContext>?
    private let frame: UnsafeMutablePointer<AVFrame>?
    private let packet: UnsafeMutablePointer<AVPacket>?
    let channels: Int
    /// Samples already in `frame` (fewer than `frameLength`).
    private(set) var filled = 0
    /// Samples handed to the encoder in complete frames.
    private var sent: Int64 = 0
    /// The AudioSpecificConfig the encoder wrote into its extradata.
    let audioSpecificConfig: AudioSpecificConfig

    init(sampleRate: Int, channels: Int, bitRate: Int) throws(IngestError) {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else {
            throw IngestError(.unsupportedCodec, "this libavcodec has no AAC encoder, so G.711 audio cannot be transcoded")
        }
        let context = avcodec_alloc_context3(codec)
        let frame = av_frame_alloc()
        let packet = av_packet_alloc()
        let config: AudioSpecificConfig
        do throws(IngestError) {
            config = try Self.open(
                codec: codec, context: context, frame: frame, packet: packet, sampleRate: sampleRate, channels: channels, bitRate: bitRate)
        } catch {
            Self.free(context: context, frame: frame, packet: packet)
            throw error
        }
        self.context = context
        self.frame = frame
        self.packet = packet
        self.channels = channels
        audioSpecificConfig = config
    }

    /// Sets up and opens the encoder and its input frame; the AudioSpecificConfig it wrote.
    private static func open(
        codec: UnsafePointer<AVCodec>, context: UnsafeMutablePointer<AVCodecContext>?, frame: UnsafeMutablePointer<AVFrame>?,
        packet: UnsafeMutablePointer<AVPacket>?, sampleRate: Int, channels: Int, bitRate: Int
    ) throws(IngestError) -> AudioSpecificConfig {
        guard let context, let frame, packet != nil else { throw IngestError(.readFailed, "cannot allocate an AAC encoder") }
        context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        context.pointee.sample_rate = Int32(sampleRate)
        av_channel_layout_default(&context.pointee.ch_layout, Int32(channels))
        // AAC-LC spends at most 6144 bits per channel and frame.
        let ceiling = 6144 * sampleRate / frameLength * channels
        context.pointee.bit_rate = Int64(min(bitRate * channels, ceiling))
        context.pointee.time_base = AVRational(num: 1, den: Int32(max(1, sampleRate)))
        context.pointee.thread_count = 1
        context.pointee.profile = FF_PROFILE_AAC_LOW
        // The "fast" coder instead of the default "twoloop": about half the CPU on tonal and
        // noise-like sound alike, which matters with one encoder per camera; a tone keeps its
        // frequency and level through it (G711TranscoderTests).
        var options: OpaquePointer?
        av_dict_set(&options, "aac_coder", "fast", 0)
        defer { av_dict_free(&options) }
        let opened = avcodec_open2(context, codec, &options)
        guard opened >= 0 else {
            throw IngestError(
                .unsupportedCodec,
                "the AAC encoder does not open for \(sampleRate) Hz, \(channels) channel(s) (\(libavErrorString(opened)))")
        }
        guard context.pointee.extradata_size > 0, let extradata = context.pointee.extradata,
            let config = try? AudioSpecificConfig(
                parsing: Array(UnsafeBufferPointer(start: extradata, count: Int(context.pointee.extradata_size))))
        else {
            throw IngestError(.invalidStream, "the AAC encoder wrote no AudioSpecificConfig")
        }
        frame.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        frame.pointee.sample_rate = Int32(sampleRate)
        frame.pointee.nb_samples = Int32(frameLength)
        _ = av_channel_layout_copy(&frame.pointee.ch_layout, &context.pointee.ch_layout)
        guard av_frame_get_buffer(frame, 0) >= 0 else { throw IngestError(.readFailed, "cannot allocate an AAC encoder's input frame") }
        return config
    }

    deinit {
        Self.free(context: context, frame: frame, packet: packet)
    }

    private static func free(
        context: UnsafeMutablePointer<AVCodecContext>?, frame: UnsafeMutablePointer<AVFrame>?,
        packet: UnsafeMutablePointer<AVPacket>?
    ) {
        var context = context
        var frame = frame
        var packet = packet
        avcodec_free_context(&context)
        av_frame_free(&frame)
        av_packet_free(&packet)
    }

    /// Adds interleaved G.711 codes (`channels` per sample time) to the current frame, encoding
    /// each frame that fills; `emit` gets every packet as (counted pts, duration, raw AAC bytes).
    mutating func append(
        _ codes: ArraySlice<UInt8>, table: [Float], emit: (Int64, Int64, [UInt8]) -> Void
    ) throws(IngestError) {
        let total = codes.count / channels
        var done = 0
        while done < total {
            if filled == 0 {
                guard av_frame_make_writable(frame) >= 0 else {
                    throw IngestError(.readFailed, "cannot reuse the AAC encoder's input frame")
                }
            }
            let count = min(total - done, Self.frameLength - filled)
            let frame = frame!
            let channels = channels
            let first = filled
            codes.withUnsafeBufferPointer { codes in
                table.withUnsafeBufferPointer { table in
                    for channel in 0..<channels {
                        let plane = UnsafeMutableRawPointer(frame.pointee.extended_data[channel]!).assumingMemoryBound(to: Float.self)
                        var source = (done * channels) + channel
                        for index in first..<(first + count) {
                            plane[index] = table[Int(codes[source])]
                            source += channels
                        }
                    }
                }
            }
            filled += count
            done += count
            if filled == Self.frameLength { try sendFrame(emit: emit) }
        }
    }

    /// Encodes what is left (a shorter last frame) and drains the encoder; it takes no more
    /// input afterwards.
    mutating func finish(emit: (Int64, Int64, [UInt8]) -> Void) throws(IngestError) {
        if filled > 0 { try sendFrame(emit: emit) }
        let result = avcodec_send_frame(context, nil)
        guard result >= 0 || result == hlsseg_averror_eof() else {
            throw IngestError(.invalidStream, "the AAC encoder could not be flushed (\(libavErrorString(result)))")
        }
        try receive(emit: emit)
    }

    private mutating func sendFrame(emit: (Int64, Int64, [UInt8]) -> Void) throws(IngestError) {
        frame!.pointee.nb_samples = Int32(filled)
        frame!.pointee.pts = sent
        let result = avcodec_send_frame(context, frame)
        guard result >= 0 else { throw IngestError(.invalidStream, "the AAC encoder refused a frame (\(libavErrorString(result)))") }
        sent += Int64(filled)
        filled = 0
        try receive(emit: emit)
    }

    private func receive(emit: (Int64, Int64, [UInt8]) -> Void) throws(IngestError) {
        while true {
            let result = avcodec_receive_packet(context, packet)
            if result == hlsseg_averror(EAGAIN) || result == hlsseg_averror_eof() { return }
            guard result >= 0, let packet else {
                throw IngestError(.invalidStream, "the AAC encoder failed (\(libavErrorString(result)))")
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.size > 0, let data = packet.pointee.data else { continue }
            let duration = packet.pointee.duration > 0 ? packet.pointee.duration : Int64(Self.frameLength)
            emit(packet.pointee.pts, duration, Array(UnsafeBufferPointer(start: data, count: Int(packet.pointee.size))))
        }
    }
}
