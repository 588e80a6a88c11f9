import NIOCore

/// Limits on what a (possibly hostile) RTMP peer may make the server hold or do.
/// Exceeding any of them closes that connection with a log line naming the limit.
public enum RTMPLimits {
    /// Largest chunk size a peer may announce with Set Chunk Size. Real encoders use 128–65 536;
    /// anything beyond one maximum message is meaningless and only a way to make us buffer.
    public static let maximumChunkSize = 1 << 24
    /// Largest message a peer may announce (a 4K keyframe is a few MB; the 24-bit field allows 16 MB).
    public static let maximumMessageLength = 8 << 20
    /// Chunk streams with a message in flight at once (encoders use 3–8).
    public static let maximumChunkStreams = 64
    /// Bytes held for partly received messages over all chunk streams of one connection.
    public static let maximumBufferedBytes = 16 << 20
    /// Nesting depth of AMF0 objects and arrays (commands nest two levels deep).
    public static let maximumAMFDepth = 16
    /// Entries in one AMF0 object or array (metadata has a few dozen).
    public static let maximumAMFEntries = 4096
    /// Sequence header (avcC / AudioSpecificConfig) size; real ones are under 1 KB.
    public static let maximumSequenceHeaderLength = 64 << 10
    /// Media messages held while waiting for the sequence headers of every announced track
    /// (a couple of seconds of frames); past it the stream starts with the tracks it has.
    public static let maximumPendingPackets = 256
    /// A connection that sends nothing for this long is closed (publishers send many messages a
    /// second; a silent peer is stalled or holding a slot).
    public static let readTimeout = TimeAmount.seconds(30)
}
