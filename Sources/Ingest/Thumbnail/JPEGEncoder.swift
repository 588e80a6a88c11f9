import CLibAV

/// Scales a decoded picture with libswscale and encodes it as a baseline JPEG with libavcodec's
/// `mjpeg` encoder.
///
/// JPEG (JFIF) samples are full range: black is 0 and white 255. Cameras and encoders give
/// limited-range video (black 16, white 235), so the scaler is told both ranges and expands
/// the levels while it scales; a picture copied across unchanged would come out grey and flat.
/// A source already in full range (`yuvj420p`, or `color_range` JPEG) is kept as it is. The
/// colour matrix is not converted (a BT.709 source keeps its coefficients, as FFmpeg's own
/// `ffmpeg -i in.mp4 out.jpg` does); the difference is a slight hue shift, not a level error.
enum JPEGEncoder {
    /// The mjpeg encoder's quantiser scale (FFmpeg's `-q:v`, 2 best … 31 worst). 4 is the knee:
    /// on a test pattern scaled to 320 px it keeps about 37 dB PSNR for about 70 % of the bytes
    /// of 2 (about 40 dB); each step above 4 saves under a tenth of the bytes for about 1 dB more.
    static let quantiser: Int32 = 4
    /// The scaler's filter: bicubic, FFmpeg's `scale` filter's default, so a thumbnail matches
    /// `ffmpeg -vf scale=W:-2`; it low-passes when shrinking, unlike `fast_bilinear`.
    static let scalerFlags = SWS_BICUBIC

    /// The JPEG bytes of `frame` scaled to `size`.
    static func jpeg(of frame: OwnedFrame, size: ThumbnailSize) throws(IngestError) -> [UInt8] {
        let scaled = try scale(frame, to: size)
        return try encode(scaled, size: size)
    }

    static func scale(_ frame: OwnedFrame, to size: ThumbnailSize) throws(IngestError) -> OwnedFrame {
        let source = frame.pointer.pointee
        let sourceFormat = AVPixelFormat(rawValue: source.format)
        guard
            let scaler = sws_getContext(
                source.width, source.height, sourceFormat, Int32(size.width), Int32(size.height), AV_PIX_FMT_YUVJ420P,
                Int32(scalerFlags), nil, nil, nil)
        else {
            let name = av_get_pix_fmt_name(sourceFormat).map { String(cString: $0) } ?? "unknown"
            throw IngestError(.unsupportedCodec, "pictures in pixel format \(name) cannot be scaled")
        }
        defer { sws_freeContext(scaler) }
        let coefficients = sws_getCoefficients(Self.swscaleColorSpace(source.colorspace))
        // Source range from the picture; destination always full (JPEG).
        let sourceIsFullRange =
            source.color_range == AVCOL_RANGE_JPEG || sourceFormat == AV_PIX_FMT_YUVJ420P || sourceFormat == AV_PIX_FMT_YUVJ422P
            || sourceFormat == AV_PIX_FMT_YUVJ444P
        _ = sws_setColorspaceDetails(scaler, coefficients, sourceIsFullRange ? 1 : 0, coefficients, 1, 0, 1 << 16, 1 << 16)

        let scaled = try OwnedFrame()
        scaled.pointer.pointee.width = Int32(size.width)
        scaled.pointer.pointee.height = Int32(size.height)
        scaled.pointer.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        scaled.pointer.pointee.color_range = AVCOL_RANGE_JPEG
        guard av_frame_get_buffer(scaled.pointer, 0) >= 0 else {
            throw IngestError(.readFailed, "cannot allocate a \(size.width)x\(size.height) picture")
        }
        let result = sws_scale_frame(scaler, scaled.pointer, frame.pointer)
        guard result >= 0 else { throw IngestError(.invalidStream, "scaling the picture failed (\(libavErrorString(result)))") }
        return scaled
    }

    static func encode(_ picture: OwnedFrame, size: ThumbnailSize) throws(IngestError) -> [UInt8] {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG), let context = avcodec_alloc_context3(codec) else {
            throw IngestError(.unsupportedCodec, "this libavcodec has no mjpeg encoder")
        }
        var freeing: UnsafeMutablePointer<AVCodecContext>? = context
        defer { avcodec_free_context(&freeing) }
        context.pointee.width = Int32(size.width)
        context.pointee.height = Int32(size.height)
        context.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        context.pointee.color_range = AVCOL_RANGE_JPEG
        context.pointee.time_base = AVRational(num: 1, den: 25)
        context.pointee.thread_count = 1
        // A fixed quantiser instead of a bit rate: one picture has no rate to aim at.
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.global_quality = FF_QP2LAMBDA * quantiser
        let opened = avcodec_open2(context, codec, nil)
        guard opened >= 0 else { throw IngestError(.readFailed, "the mjpeg encoder does not open (\(libavErrorString(opened)))") }

        picture.pointer.pointee.quality = context.pointee.global_quality
        picture.pointer.pointee.pts = 0
        let sent = avcodec_send_frame(context, picture.pointer)
        guard sent >= 0 else { throw IngestError(.readFailed, "the mjpeg encoder refused the picture (\(libavErrorString(sent)))") }
        _ = avcodec_send_frame(context, nil)
        let packet = try OwnedPacket()
        let received = avcodec_receive_packet(context, packet.pointer)
        guard received >= 0, let data = packet.pointer.pointee.data else {
            throw IngestError(.readFailed, "the mjpeg encoder gave no picture (\(libavErrorString(received)))")
        }
        return Array(UnsafeBufferPointer(start: data, count: Int(packet.pointer.pointee.size)))
    }

    /// libswscale's name for a colour matrix (only its chroma coefficients differ).
    static func swscaleColorSpace(_ space: AVColorSpace) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: SWS_CS_ITU709
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: SWS_CS_BT2020
        case AVCOL_SPC_FCC: SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: SWS_CS_SMPTE240M
        default: SWS_CS_DEFAULT
        }
    }
}
