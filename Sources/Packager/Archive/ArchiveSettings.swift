/// How a stream that never ends is kept: its archive is rotated into one ended EVENT playlist
/// per period (`ArchivePeriodPlaylist`), its `index.m3u8` is a sliding live playlist over the
/// last `dvrWindow` of media, and every segment listed is recorded in the archive index.
/// docs/archive.md describes the layout.
public struct ArchiveSettings: Sendable {
    /// Seconds of media per archive playlist (`--archive-period`); periods are aligned to the
    /// Unix epoch on the program date-time clock, so an hour starts on the hour.
    public var period: Double
    /// Seconds of media the live playlist keeps (`--dvr-window`).
    public var dvrWindow: Double
    /// Where each listed segment is recorded; nil: nowhere (tests, or a stream without index).
    public var index: (any ArchiveIndexAppending)?

    public init(period: Double = 3600, dvrWindow: Double = 7200, index: (any ArchiveIndexAppending)? = nil) {
        self.period = period
        self.dvrWindow = dvrWindow
        self.index = index
    }

    /// Segments the live playlist keeps: the DVR window in target-length segments, at least the
    /// three target durations RFC 8216 §6.2.2 asks a live playlist to hold.
    public func liveListSize(hlsTime: Double) -> Int {
        max(3, Int((dvrWindow / max(hlsTime, 0.001)).rounded(.up)))
    }

    /// The start of the period holding `date` (milliseconds since the epoch).
    public func periodStart(of date: Int64) -> Int64 {
        let length = max(Int64((period * 1000).rounded()), 1)
        return date >= 0 ? date / length * length : -((-date + length - 1) / length * length)
    }
}
