import CodedErrors

/// The one error type of the Export module: a stable `code` (tests, logs and the HTTP layer
/// compare it) and a `reason` a user can act on.
public typealias ExportError = CodedError<ExportErrorCode>

/// The codes of `ExportError`.
public enum ExportErrorCode: String, Sendable, Hashable {
    /// START and END select nothing inside the recording (both before its start or after
    /// its end, or END not after START).
    case outsideRecording
    /// A time that does not parse, or a negative duration or limit.
    case invalidTime
    /// A date-time was given but the playlist has no `#EXT-X-PROGRAM-DATE-TIME`.
    case noProgramDateTime
    /// The selected stretch holds no video keyframe to start on.
    case noKeyframe
    /// A segment inside the range is missing or cut short (strict mode; otherwise it is
    /// skipped with a warning).
    case missingSegment
    /// The playlist lists segments export cannot read (MPEG-TS, byte ranges).
    case unsupportedSegments
    /// The playlist, an init segment or a segment cannot be read or parsed.
    case unreadableRecording
    /// The output cannot be written (no permission, no such folder, disk full).
    case unwritableOutput
    /// `maxDuration` or `maxSize` is smaller than one GOP (or one file's header).
    case limitTooSmall
}
