import CLibAV

/// A JPEG thumbnail of the first keyframe of one fMP4 HLS segment.
///
/// ```
/// init segment bytes ┐                      libavformat (mov, custom AVIOContext over memory)
/// media segment bytes┴▶ MemoryIOContext ──▶ first video keyframe packet
///                                          ──▶ libavcodec decoder, 1 thread, drained after it
///                                          ──▶ libswscale: bicubic to ThumbnailSize, limited → full range
///                                          ──▶ libavcodec mjpeg, fixed quantiser ──▶ JPEG bytes
/// ```
///
/// Every segment starts with a keyframe, so a segment's thumbnail is the picture at its start.
/// Synchronous and CPU-bound: callers run it off their event loops, a bounded number at a time.
/// Errors: `.limitExceeded` (input above the limits below, or a picture larger than 8K),
/// `.notMedia` (not a fragmented MP4), `.noUsableStream` (no video track),
/// `.unsupportedCodec` (no decoder for it), `.invalidStream` (no keyframe, or it does not
/// decode cleanly).
public enum KeyframeThumbnailer {
    /// The largest media segment read: a 10-s segment at 50 Mbit/s is 62 MB; more is not a camera
    /// segment, and one request would hold that much memory.
    public static let maximumSegmentSize = 64 << 20
    /// The largest init segment read: real ones are a few hundred bytes to a few kilobytes.
    public static let maximumInitSize = 1 << 20
    /// The thumbnail width when a request names none.
    public static let defaultWidth = 320

    /// The JPEG of the first keyframe of `mediaSegment` (whose init segment is `initSegment`),
    /// `width` pixels wide (within `ThumbnailSize.widths`), its height keeping the picture's
    /// display aspect ratio.
    public static func jpeg(initSegment: [UInt8], mediaSegment: [UInt8], width: Int = defaultWidth) throws(IngestError) -> [UInt8] {
        guard ThumbnailSize.widths.contains(width) else {
            throw IngestError(
                .limitExceeded, "width \(width) is outside \(ThumbnailSize.widths.lowerBound)…\(ThumbnailSize.widths.upperBound)")
        }
        guard initSegment.count <= maximumInitSize else {
            throw IngestError(.limitExceeded, "the init segment is \(initSegment.count) bytes; at most \(maximumInitSize) are read")
        }
        guard mediaSegment.count <= maximumSegmentSize else {
            throw IngestError(.limitExceeded, "the segment is \(mediaSegment.count) bytes; at most \(maximumSegmentSize) are read")
        }
        let frame = try KeyframeDecoder.firstKeyframe(initSegment: initSegment, mediaSegment: mediaSegment)
        let picture = frame.pointer.pointee
        let size = try ThumbnailSize(
            width: width, sourceWidth: Int(picture.width), sourceHeight: Int(picture.height),
            sampleAspect: (Int(picture.sample_aspect_ratio.num), Int(picture.sample_aspect_ratio.den)))
        return try JPEGEncoder.jpeg(of: frame, size: size)
    }
}
