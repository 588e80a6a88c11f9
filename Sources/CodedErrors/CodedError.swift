/// The error every hlsseg module throws, told apart by its code type: `SegmenterError` is
/// `CodedError<SegmenterErrorCode>`, `IngestError` is `CodedError<IngestErrorCode>`, and so on,
/// one per module. `code` is stable (tests, logs and exit statuses compare it); `reason` says
/// what went wrong in words a user can act on; `file` and `line` say where it was thrown.
public struct CodedError<ErrorCode: RawRepresentable & Hashable & Sendable>: Error, Sendable, Equatable, CustomStringConvertible
where ErrorCode.RawValue == String {
    /// The module's codes: `SegmenterError.Code` is `SegmenterErrorCode`.
    public typealias Code = ErrorCode

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
    public static func == (lhs: CodedError, rhs: CodedError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }
}
