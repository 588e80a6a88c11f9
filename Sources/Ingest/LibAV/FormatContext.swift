import CLibAV

/// Owns one `AVFormatContext` (closed in `deinit`, whatever path the owner leaves by) and one
/// reusable `AVPacket`. Not thread-safe: libavformat contexts are used from one thread at a time.
final class FormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    let packet: UnsafeMutablePointer<AVPacket>
    let url: String
    /// The duration the container header announced, before `avformat_find_stream_info` could
    /// estimate one from packets; `nil` when the header has none. Used to notice truncation.
    let headerDuration: Double?
    /// Where the container says the media ends (start time + duration), in seconds on the
    /// stream clock; `nil` when the header does not say.
    let headerEndTime: Double?

    init(url: String, options: InputOptions) throws(IngestError) {
        var dictionary: OpaquePointer? = nil
        // The raw `h264` demuxer's option (other demuxers leave it unused in the dictionary). It
        // only sets the durations libavformat gives packets when the SPS has no timing; raw
        // H.264 is retimed on a grid of its own (`LibAVInput.makeVideoState`).
        av_dict_set(&dictionary, "framerate", String(options.framerate ?? InputOptions.defaultFramerate), 0)
        defer { av_dict_free(&dictionary) }
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let result = avformat_open_input(&context, url, nil, &dictionary)
        guard result >= 0, let context else {
            if result == hlsseg_averror_invaliddata() {
                throw IngestError(.notMedia, "\(url) is not a media file libavformat recognises (\(libavErrorString(result)))")
            }
            throw IngestError(.openFailed, "cannot open \(url): \(libavErrorString(result))")
        }
        guard let packet = av_packet_alloc() else {
            var closing: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&closing)
            throw IngestError(.openFailed, "cannot open \(url): out of memory")
        }
        self.pointer = context
        self.packet = packet
        self.url = url
        let duration = context.pointee.duration
        headerDuration = duration == hlsseg_nopts_value() || duration <= 0 ? nil : Double(duration) / Double(AV_TIME_BASE)
        let start = context.pointee.start_time
        headerEndTime = headerDuration.map { $0 + (start == hlsseg_nopts_value() ? 0 : Double(start) / Double(AV_TIME_BASE)) }
    }

    deinit {
        var closing: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&closing)
        var freeing: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&freeing)
    }

    /// libavformat's short name for the demuxer, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `mpegts`, `h264`.
    var formatName: String { String(cString: pointer.pointee.iformat.pointee.name) }

    var isMov: Bool { formatName.hasPrefix("mov,") }

    var streamCount: Int { Int(pointer.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        pointer.pointee.streams[index]!
    }

    /// The first stream of each kind, skipping cover art (attached pictures).
    func firstStreams() -> (video: Int?, audio: Int?) {
        var video: Int?
        var audio: Int?
        for index in 0..<streamCount {
            let stream = stream(index)
            let parameters = stream.pointee.codecpar.pointee
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where video == nil:
                if stream.pointee.disposition & hlsseg_disposition_attached_pic() == 0 { video = index }
            case AVMEDIA_TYPE_AUDIO where audio == nil:
                audio = index
            default:
                break
            }
        }
        return (video, audio)
    }
}

/// libav's message for an `AVERROR` code, e.g. "No such file or directory".
func libavErrorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    av_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A readable name for a codec in error messages ("VP9", "HEVC (H.265)", "MP3").
func codecDisplayName(_ id: AVCodecID) -> String {
    let name = String(cString: avcodec_get_name(id))
    let known: [String: String] = [
        "h264": "H.264", "hevc": "HEVC (H.265)", "vp8": "VP8", "vp9": "VP9", "av1": "AV1",
        "mpeg4": "MPEG-4 Part 2", "mpeg2video": "MPEG-2", "mpeg1video": "MPEG-1", "mjpeg": "Motion JPEG",
        "theora": "Theora", "prores": "ProRes", "mp3": "MP3", "mp2": "MP2", "opus": "Opus", "vorbis": "Vorbis",
        "ac3": "AC-3", "eac3": "E-AC-3", "flac": "FLAC", "alac": "ALAC", "dts": "DTS",
    ]
    if let display = known[name] { return display }
    if name.hasPrefix("pcm_") { return "PCM (\(name.dropFirst(4)))" }
    return name.uppercased()
}
