import CLibAV

/// A format context reading a `MemoryIOContext` as MP4. Closed before the I/O context it reads
/// is freed (it holds it).
final class MemoryFormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private let io: MemoryIOContext

    init(io: MemoryIOContext) throws(IngestError) {
        guard var context = avformat_alloc_context() else { throw IngestError(.readFailed, "cannot allocate a format context") }
        context.pointee.pb = io.pointer
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_NOPARSE
        var opening: UnsafeMutablePointer<AVFormatContext>? = context
        // On failure avformat_open_input frees the context (not the custom I/O).
        let opened = avformat_open_input(&opening, nil, av_find_input_format("mp4"), nil)
        guard opened >= 0, let opening else {
            throw IngestError(.notMedia, "the init segment and segment are not a fragmented MP4 (\(libavErrorString(opened)))")
        }
        context = opening
        self.pointer = context
        self.io = io
    }

    deinit {
        var closing: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&closing)
        _ = io
    }

    /// The first video stream that is not cover art.
    func firstVideoStream() -> Int? {
        for index in 0..<Int(pointer.pointee.nb_streams) {
            let stream = pointer.pointee.streams[index]!
            if stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO,
                stream.pointee.disposition & hlsseg_disposition_attached_pic() == 0
            {
                return index
            }
        }
        return nil
    }
}
