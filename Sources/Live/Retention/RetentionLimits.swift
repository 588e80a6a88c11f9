/// How much of one stream's archive is kept (`--retain-for`, `--retain-max-size`, or
/// `retain_for` / `retain_max_size` in `hlsseg.yml`); nil: no such limit.
public struct RetentionLimits: Sendable, Equatable {
    /// Seconds: a segment is retired once it ended longer ago than this.
    public var maxAge: Double?
    /// Bytes of segments kept; the oldest go first.
    public var maxSize: Int64?

    /// Smallest size limit accepted (per stream and for the root): one segment of a camera is
    /// about this much (2 s at 4 Mbit/s), and a limit that a single segment fills would leave
    /// only the newest segment of each stream.
    public static let minimumSize: Int64 = 1_000_000

    public init(maxAge: Double? = nil, maxSize: Int64? = nil) {
        self.maxAge = maxAge
        self.maxSize = maxSize
    }

    /// No limit at all.
    public var isEmpty: Bool { maxAge == nil && maxSize == nil }

    /// These limits, each one missing here taken from `base` (a stream's own over the defaults).
    public func filled(from base: RetentionLimits) -> RetentionLimits {
        RetentionLimits(maxAge: maxAge ?? base.maxAge, maxSize: maxSize ?? base.maxSize)
    }
}
