import CLibAV

/// An `AVFrame` freed with its owner.
final class OwnedFrame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(IngestError) {
        guard let frame = av_frame_alloc() else { throw IngestError(.readFailed, "cannot allocate a picture") }
        pointer = frame
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&freeing)
    }
}
