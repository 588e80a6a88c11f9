import NIOCore

/// Limits on what a (possibly hostile) RTMP peer may make the server hold or do.
/// Exceeding any of them closes that connection with a log line naming the limit; the error's
/// code is `IngestError.Code.limitExceeded` (one connection's input) or `.serverBusy` (a limit
/// all connections share). The configurable ones are in `RTMPServerLimits`.
public enum RTMPLimits {
    /// Largest chunk size a peer may announce with Set Chunk Size. Real encoders use 128–65 536;
    /// a chunk never carries more than its message, so larger sizes change nothing.
    public static let maximumChunkSize = 1 << 24
    /// Largest message a publisher may send unless the server says otherwise
    /// (`RTMPServerLimits.maximumMessageSize`): a keyframe of a 4K stream at streaming bitrates
    /// is a few hundred KB to about 2 MB, so 4 MiB leaves twice the largest real one.
    public static let defaultMaximumMessageSize = 4 << 20
    /// What `RTMPServerLimits.maximumMessageSize` may be set to: at least 64 KiB (every command,
    /// sequence header and audio frame fits), at most what the 24-bit length field can say.
    public static let messageSizeRange = (64 << 10)...0xFF_FFFF
    /// Bytes one connection may hold in unfinished messages (and a chunk cut by a read) before
    /// its publish is accepted. Until then only commands and control messages of a few hundred
    /// bytes are legitimate; media a client sends without waiting for the answer to `publish`
    /// comes in the read that carried `publish` (reading pauses while the publish is decided).
    public static let maximumBufferedBytesBeforePublish = 256 << 10
    /// Connections that have not had a publish accepted, at once, unless the server says
    /// otherwise (`RTMPServerLimits.maximumPendingConnections`): publishers connect and publish
    /// within a round trip or two, so even hundreds of cameras reconnecting at once fit.
    public static let defaultMaximumPendingConnections = 256
    /// Bytes all connections waiting to publish may hold together, unless the server says
    /// otherwise (`RTMPServerLimits.pendingBufferBudget`): 128 KiB for each of the default 256
    /// connections, where a legitimate one holds a few hundred bytes.
    public static let defaultPendingBufferBudget = 32 << 20
    /// Chunk streams with a message in flight at once (encoders use 3–8).
    public static let maximumChunkStreams = 64
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

    /// Bytes a publishing connection may hold in unfinished messages and a chunk cut by a read:
    /// two of the largest messages (a keyframe, and the audio and data interleaved with it).
    public static func maximumBufferedBytes(maximumMessageSize: Int) -> Int { 2 * maximumMessageSize }
}
