import Segmenter

/// What a live publisher (RTMP, WebSocket) delivers to the stream it feeds, in order.
public enum LiveMediaEvent: Sendable, Equatable {
    /// The tracks of the stream: first before any packet, again when a sequence header changes
    /// the codec parameters (the packager then starts a new init file after a discontinuity).
    case tracks([Track])
    case packet(MediaPacket)
}
