/// The one error type of the Live module. `code` is stable (tests and logs compare it);
/// `reason` says what went wrong in words a user can act on.
public struct LiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The demo stream could not start: ffmpeg is missing or failed to make the demo clip,
        /// or the clip it made has no usable video (the reason says which).
        case demoFailed
    }

    public var code: Code
    public var reason: String
    public var file: String
    public var line: Int

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { reason }

    /// Equality ignores where the error was thrown: tests compare codes and reasons.
    public static func == (lhs: LiveError, rhs: LiveError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }
}
