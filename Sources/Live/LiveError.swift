import CodedErrors

/// The one error type of the Live module. `code` is stable (tests and logs compare it);
/// `reason` says what went wrong in words a user can act on.
public typealias LiveError = CodedError<LiveErrorCode>

/// The codes of `LiveError`.
public enum LiveErrorCode: String, Sendable, Hashable {
    /// The demo stream could not start: ffmpeg is missing or failed to make the demo clip,
    /// or the clip it made has no usable video (the reason says which).
    case demoFailed
}
