import CLibAV

/// A single-threaded video decoder for one picture.
final class DecoderContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    init(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) throws(IngestError) {
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw IngestError(.unsupportedCodec, "no decoder for \(codecDisplayName(parameters.pointee.codec_id)) video")
        }
        guard let context = avcodec_alloc_context3(codec) else { throw IngestError(.readFailed, "cannot allocate a decoder") }
        pointer = context
        guard avcodec_parameters_to_context(context, parameters) >= 0 else {
            throw IngestError(.invalidStream, "the video track's parameters do not suit its decoder")
        }
        context.pointee.pkt_timebase = timeBase
        // One thread: a thumbnail request must not occupy every core (frame threads would also
        // hold the picture back until several packets were sent).
        context.pointee.thread_count = 1
        let opened = avcodec_open2(context, codec, nil)
        guard opened >= 0 else {
            throw IngestError(
                .invalidStream, "the \(codecDisplayName(parameters.pointee.codec_id)) decoder does not open (\(libavErrorString(opened)))")
        }
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&freeing)
    }

    /// Sends `packet` and then the end of the stream, so the decoder gives that one picture
    /// back at once (a decoder with B-frame delay would otherwise wait for more packets).
    func decodeAlone(_ packet: UnsafeMutablePointer<AVPacket>) throws(IngestError) -> OwnedFrame {
        let sent = avcodec_send_packet(pointer, packet)
        guard sent >= 0 else { throw IngestError(.invalidStream, "the keyframe does not decode (\(libavErrorString(sent)))") }
        _ = avcodec_send_packet(pointer, nil)
        let frame = try OwnedFrame()
        let received = avcodec_receive_frame(pointer, frame.pointer)
        guard received >= 0 else {
            throw IngestError(
                .invalidStream,
                received == hlsseg_averror_eof()
                    ? "the keyframe decodes to no picture" : "the keyframe does not decode (\(libavErrorString(received)))")
        }
        // A picture the decoder had to conceal errors in is half garbage: no thumbnail beats a wrong one.
        guard frame.pointer.pointee.decode_error_flags == 0, frame.pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT == 0 else {
            throw IngestError(.invalidStream, "the keyframe decodes with errors (the segment is damaged)")
        }
        return frame
    }
}
