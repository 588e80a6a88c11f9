/// One segment of a stream's archive, as the archive index keeps it: enough to list it in a
/// playlist (URI, map, date, duration, discontinuity), to find it by time, and to account for
/// it in retention (size, the period playlist that lists it).
public struct ArchiveSegment: Sendable, Equatable {
    /// The media sequence number, which is also the file number.
    public var sequenceNumber: Int
    /// The segment file's name, relative to the stream folder.
    public var uri: String
    /// Its `EXT-X-MAP` URI, relative to the stream folder.
    public var initURI: String
    /// `EXT-X-PROGRAM-DATE-TIME` of its start, milliseconds since the Unix epoch.
    public var date: Int64
    /// `EXTINF`, seconds.
    public var duration: Double
    /// Bytes of the segment file.
    public var size: Int
    /// `EXT-X-DISCONTINUITY` comes before it (a reconnect, a codec change, lost media).
    public var discontinuity: Bool
    /// The archive period playlist that lists it, relative to the stream folder; "" for none.
    public var playlist: String

    public init(
        sequenceNumber: Int, uri: String, initURI: String, date: Int64, duration: Double, size: Int, discontinuity: Bool,
        playlist: String
    ) {
        self.sequenceNumber = sequenceNumber
        self.uri = uri
        self.initURI = initURI
        self.date = date
        self.duration = duration
        self.size = size
        self.discontinuity = discontinuity
        self.playlist = playlist
    }

    /// Where it ends on the program date-time clock, milliseconds since the Unix epoch.
    public var endDate: Int64 { date + Int64((duration * 1000).rounded()) }
}
