/// What to export: a stretch of a recording and the limits of each output file.
public struct ExportRequest: Sendable, Equatable {
    /// nil: the start of the recording.
    public var start: ExportTime?
    /// nil: `start + duration`, or the end of the recording.
    public var end: ExportTime?
    /// Seconds from START; used when `end` is nil.
    public var duration: Double?
    /// Seconds of presentation per file; longer stretches are split at keyframes.
    public var maxDuration: Double?
    /// Bytes per file, the header (`ftyp`, `moov`, `mdat` header) included.
    public var maxSize: UInt64?
    /// Seconds of media per interleaved chunk (one track's samples back to back).
    public var chunkDuration: Double
    /// A segment missing or cut short inside the range is an error (`.missingSegment`)
    /// instead of being skipped with a warning.
    public var strict: Bool

    public init(
        start: ExportTime? = nil, end: ExportTime? = nil, duration: Double? = nil, maxDuration: Double? = nil, maxSize: UInt64? = nil,
        chunkDuration: Double = 0.5, strict: Bool = false
    ) {
        self.start = start
        self.end = end
        self.duration = duration
        self.maxDuration = maxDuration
        self.maxSize = maxSize
        self.chunkDuration = chunkDuration
        self.strict = strict
    }
}
