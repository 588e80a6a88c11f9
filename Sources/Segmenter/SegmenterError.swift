import CodedErrors

/// The one error type of the Segmenter module. `code` is stable (tests and logs compare it);
/// `reason` says what was wrong in words a user can act on.
public typealias SegmenterError = CodedError<SegmenterErrorCode>

/// The codes of `SegmenterError`.
public enum SegmenterErrorCode: String, Sendable, Hashable {
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
