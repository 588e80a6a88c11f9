import Segmenter

/// What a source delivers to the stream it feeds, in order: live publishers (RTMP, WebSocket),
/// and files and URLs read with libavformat (`LibAVInput.nextEvent()`).
public enum MediaEvent: Sendable, Equatable {
    /// The tracks of the stream: first before any packet (live sources), again when a sequence
    /// header or in-band parameter sets change the codec parameters (the packager then starts a
    /// new init file after a discontinuity).
    case tracks([Track])
    case packet(MediaPacket)
}
