/// The one error type of the Packager module: a stable code and a message a user can act on.
public struct PackagerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
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

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
