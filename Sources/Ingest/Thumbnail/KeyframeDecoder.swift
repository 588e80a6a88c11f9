import CLibAV

/// Decodes the first keyframe of a fragmented MP4 held in memory (an init segment followed by
/// one media segment), and nothing more.
///
/// Bounded work per call: the demuxer is told the format (no probing), no stream analysis
/// runs (the init segment's sample entry already carries the size and the parameter sets),
/// one packet, the keyframe, is sent to a single-threaded decoder, which is then drained; no
/// later frame is decoded.
enum KeyframeDecoder {
    /// Packets read looking for the first video keyframe before giving up: every segment starts
    /// with one, so this much media without one (20 s at 30 fps) is not a segment of ours.
    static let maximumPacketsBeforeKeyframe = 600
    /// Largest picture decoded (8K UHD): what one request may make the decoder allocate.
    static let maximumPixels = 7680 * 4320

    /// The decoded keyframe. `.noUsableStream` without a video track, `.notMedia` when the
    /// bytes are not a fragmented MP4, `.unsupportedCodec` without a decoder for the codec,
    /// `.invalidStream` when no keyframe decodes cleanly.
    static func firstKeyframe(initSegment: [UInt8], mediaSegment: [UInt8]) throws(IngestError) -> OwnedFrame {
        let io = try MemoryIOContext(parts: [initSegment, mediaSegment])
        let input = try MemoryFormatContext(io: io)
        guard let streamIndex = input.firstVideoStream() else {
            throw IngestError(.noUsableStream, "the segment has no video track")
        }
        let stream = input.pointer.pointee.streams[streamIndex]!
        let parameters = stream.pointee.codecpar!
        guard Int(parameters.pointee.width) * Int(parameters.pointee.height) <= maximumPixels else {
            throw IngestError(
                .limitExceeded,
                "the video is \(parameters.pointee.width)x\(parameters.pointee.height); thumbnails are made of pictures up to 7680x4320")
        }
        let decoder = try DecoderContext(parameters: parameters, timeBase: stream.pointee.time_base)
        let packet = try OwnedPacket()
        var skipped = 0
        while true {
            let read = av_read_frame(input.pointer, packet.pointer)
            guard read >= 0 else {
                throw IngestError(
                    .invalidStream,
                    read == hlsseg_averror_eof()
                        ? "the segment holds no video keyframe" : "the segment does not demux (\(libavErrorString(read)))")
            }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == Int32(streamIndex) else { continue }
            guard packet.pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 else {
                skipped += 1
                guard skipped < maximumPacketsBeforeKeyframe else {
                    throw IngestError(.invalidStream, "no video keyframe in the first \(skipped) packets of the segment")
                }
                continue
            }
            return try decoder.decodeAlone(packet.pointer)
        }
    }
}
