import CodedErrors

/// The one error type of the Packager module: a stable code and a message a user can act on.
public typealias PackagerError = CodedError<PackagerErrorCode>

/// The codes of `PackagerError`.
public enum PackagerErrorCode: String, Sendable, Hashable {
    /// The output directory cannot be created or written.
    case outputNotWritable
    /// Writing, syncing or renaming a file failed (disk full, I/O error).
    case writeFailed
    /// A configuration value is not usable (e.g. a segment file name template).
    case invalidConfiguration
    /// The input produced no media at all.
    case noMedia
    /// An entry of the output folder that would be written, or a stream folder, is a
    /// symbolic link: it is never followed.
    case symbolicLink
}
