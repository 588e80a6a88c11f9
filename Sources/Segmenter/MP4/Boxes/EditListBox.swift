/// `elst`: maps the movie's timeline onto the track's media timeline (ISO/IEC 14496-12 §8.6.6).
/// Each entry presents `segment_duration` movie ticks, starting at `media_time` in track ticks;
/// `media_time` -1 is an empty edit (nothing is presented for that long).
///
/// ```
/// aligned(8) class EditListBox extends FullBox('elst', version, flags) {
///   unsigned int(32) entry_count;
///   for (i=1; i <= entry_count; i++) {
///     if (version==1) {
///       unsigned int(64) segment_duration;
///       int(64) media_time;
///     } else { // version==0
///       unsigned int(32) segment_duration;
///       int(32) media_time;
///     }
///     int(16) media_rate_integer;
///     int(16) media_rate_fraction = 0;
///   }
/// }
/// ```
/// `init(entries:)` picks version 0 unless a value needs 64 bits.
public struct EditListBox: MP4Box {
    public static let boxType: FourCC = "elst"
    /// The media_time of an empty edit.
    public static let emptyEditMediaTime: Int64 = -1

    public struct Entry: Sendable, Equatable {
        /// Movie timescale ticks.
        public var segmentDuration: UInt64
        /// Track timescale ticks; -1 for an empty edit.
        public var mediaTime: Int64
        /// 1 for normal speed, 0 for a dwell (one frame held).
        public var mediaRateInteger: Int16
        public var mediaRateFraction: Int16

        public init(segmentDuration: UInt64, mediaTime: Int64, mediaRateInteger: Int16 = 1, mediaRateFraction: Int16 = 0) {
            self.segmentDuration = segmentDuration
            self.mediaTime = mediaTime
            self.mediaRateInteger = mediaRateInteger
            self.mediaRateFraction = mediaRateFraction
        }

        /// An empty edit: `segmentDuration` movie ticks with nothing presented.
        public static func empty(segmentDuration: UInt64) -> Entry {
            Entry(segmentDuration: segmentDuration, mediaTime: EditListBox.emptyEditMediaTime)
        }

        /// Whether a version 0 box cannot hold this entry.
        var needs64Bits: Bool { segmentDuration > UInt32.max || Int32(exactly: mediaTime) == nil }
    }

    public var version: UInt8
    public var flags: UInt32
    public var entries: [Entry]

    public init(version: UInt8, flags: UInt32 = 0, entries: [Entry]) {
        self.version = version
        self.flags = flags
        self.entries = entries
    }

    /// Version 1 when a value needs 64 bits, else version 0.
    public init(entries: [Entry]) {
        self.init(version: entries.contains(where: \.needs64Bits) ? 1 : 0, entries: entries)
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        (version, flags) = try body.readFullBoxHeader(versions: 0...1)
        let count = try body.readEntryCount(entrySize: version == 1 ? 20 : 12, limit: MP4Limits.maxEditListEntries)
        entries = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let duration = try body.readVersioned(version, "segment_duration")
            let mediaTime =
                version == 1
                ? Int64(bitPattern: try body.readUInt64("media_time")) : Int64(try body.readInt32("media_time"))
            entries.append(
                Entry(
                    segmentDuration: duration, mediaTime: mediaTime, mediaRateInteger: try body.readInt16("media_rate_integer"),
                    mediaRateFraction: try body.readInt16("media_rate_fraction")))
        }
    }

    /// A version 0 box writes the low 32 bits of each value: they must fit.
    public func writeBody(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write24(flags)
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.writeVersioned(version, entry.segmentDuration)
            writer.writeVersioned(version, UInt64(bitPattern: entry.mediaTime))
            writer.write(entry.mediaRateInteger)
            writer.write(entry.mediaRateFraction)
        }
    }
}
