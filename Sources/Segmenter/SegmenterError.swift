/// The one error type of the Segmenter module. `code` is stable (tests and logs compare it);
/// `reason` says what was wrong in words a user can act on.
public struct SegmenterError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The input ended before a structure it announced was complete.
        case truncated
        /// A field holds a value the specification does not allow.
        case invalidValue
        /// Well-formed, but a feature we do not support (say which in `reason`).
        case unsupported
        /// A structure is complete, yet bytes follow it inside its parent (a box's body longer
        /// than its fields, or more after the one box expected).
        case trailingBytes
        /// A box the specification requires is absent (a `moov` without `mvhd`, a `traf`
        /// without `tfhd`, an input with no `moov` or no `moof`).
        case missingBox
        /// A hostile-input limit was exceeded.
        case limitExceeded
        /// Packets arrived in an order the splitter cannot accept (e.g. dts going backwards).
        case outOfOrder
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
    public static func == (lhs: SegmenterError, rhs: SegmenterError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }
}
