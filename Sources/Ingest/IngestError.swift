import CodedErrors

/// The one error type of the Ingest module. `code` is stable (tests, logs and the CLI's exit
/// status compare it); `reason` says what went wrong in words a user can act on.
public typealias IngestError = CodedError<IngestErrorCode>

/// The codes of `IngestError`.
public enum IngestErrorCode: String, Sendable, Hashable {
    /// The input could not be opened: missing or unreadable file, unreachable URL, refused
    /// connection. `reason` carries libav's own error string.
    case openFailed
    /// The input opened, but it is not a media file libavformat recognises.
    case notMedia
    /// A media file without any video or audio stream we could take.
    case noUsableStream
    /// A video or audio codec other than H.264 / AAC (the reason names it).
    case unsupportedCodec
    /// The codec is right but its parameters are broken (an SPS that does not parse, an
    /// ADTS header with a reserved value, no SPS/PPS anywhere near the start, …).
    case invalidStream
    /// Reading failed after a successful open (I/O error, connection reset).
    case readFailed
    /// A peer's input crossed a limit on what one connection may make the server hold or do
    /// (message size, buffered bytes, chunk streams, nesting); the reason names the limit
    /// and, where there is one, the server option that raises it.
    case limitExceeded
    /// A limit shared by all connections is spent (too many connections waiting to publish,
    /// or the memory their unfinished messages share): the input itself may be fine; the
    /// peer can try again later, the operator can raise the limit the reason names.
    case serverBusy
}
