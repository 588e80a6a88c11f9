import CLibAV
import Segmenter

/// Tells whether the last video access unit of an unframed stream is whole.
///
/// MPEG-TS video PES packets carry no length and raw `.h264` / `.hevc` have no framing at all, so a file cut
/// anywhere — even on a 188-byte packet boundary — ends with an access unit that the demuxer hands
/// over as if it were complete. The only reliable test is to decode it: at the end of the input
/// the last GOP (kept here as references to the packets already delivered, no copies) is decoded
/// with libavcodec in `AV_EF_EXPLODE` mode, which reports damaged slices as errors instead of
/// concealing them. Costs one GOP of decoding, once, at the end of such inputs only.
struct FinalFrameCheck {
    /// Access units since the last keyframe, length-prefixed, in decode order.
    private var groupOfPictures: [[UInt8]] = []

    mutating func note(_ packet: MediaPacket) {
        if packet.isKeyframe { groupOfPictures.removeAll(keepingCapacity: true) }
        groupOfPictures.append(packet.data)
    }

    /// Whether the last noted access unit decodes without error, with libavcodec's decoder of
    /// `codec` and its avcC or hvcC as extradata. True when it cannot be judged (no decoder, or
    /// the GOP did not start with a keyframe).
    func lastAccessUnitDecodes(codec: VideoCodec) -> Bool {
        let codecID: AVCodecID
        let extradata: [UInt8]
        switch codec {
        case .h264(let avcC): (codecID, extradata) = (AV_CODEC_ID_H264, avcC.serialized())
        case .hevc(let hvcC): (codecID, extradata) = (AV_CODEC_ID_HEVC, hvcC.serialized())
        }
        guard !groupOfPictures.isEmpty, let decoder = avcodec_find_decoder(codecID),
            let context = avcodec_alloc_context3(decoder)
        else { return true }
        defer {
            var freeing: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&freeing)
        }
        guard let buffer = av_mallocz(extradata.count + Int(AV_INPUT_BUFFER_PADDING_SIZE)) else { return true }
        extradata.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        context.pointee.extradata = buffer.assumingMemoryBound(to: UInt8.self)
        context.pointee.extradata_size = Int32(extradata.count)
        context.pointee.err_recognition = AV_EF_EXPLODE | AV_EF_BITSTREAM | AV_EF_BUFFER
        context.pointee.thread_count = 1
        // The decoder's own error lines would repeat what the warning says; push them below any log level.
        context.pointee.log_level_offset = 64
        guard avcodec_open2(context, decoder, nil) == 0 else { return true }
        var packetStorage = av_packet_alloc()
        var frameStorage = av_frame_alloc()
        defer {
            av_packet_free(&packetStorage)
            av_frame_free(&frameStorage)
        }
        guard let packet = packetStorage, let frame = frameStorage else { return true }
        var lastFailed = false
        for (index, accessUnit) in groupOfPictures.enumerated() {
            guard av_new_packet(packet, Int32(accessUnit.count)) == 0 else { return true }
            accessUnit.withUnsafeBytes { packet.pointee.data.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: $0.count) }
            let isLast = index == groupOfPictures.count - 1
            let sent = avcodec_send_packet(context, packet)
            av_packet_unref(packet)
            var failed = sent < 0 && sent != hlsseg_averror(EAGAIN)
            failed = !drain(context, frame) || failed
            if isLast { lastFailed = failed }
        }
        avcodec_send_packet(context, nil)
        if !drain(context, frame) { lastFailed = true }
        return !lastFailed
    }

    /// Receives every frame the decoder has ready; false when it reported an error or a corrupt frame.
    private func drain(_ context: UnsafeMutablePointer<AVCodecContext>, _ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        while true {
            let received = avcodec_receive_frame(context, frame)
            if received == hlsseg_averror(EAGAIN) || received == hlsseg_averror_eof() { return true }
            if received < 0 { return false }
            let corrupt = frame.pointee.decode_error_flags != 0 || frame.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0
            av_frame_unref(frame)
            if corrupt { return false }
        }
    }
}
