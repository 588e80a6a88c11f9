/// `trun`: a run of samples laid out one after another in the media data: where the run starts
/// and each sample's duration, size, flags and composition offset (ISO/IEC 14496-12 §8.8.8).
///
/// ```
/// aligned(8) class TrackFragmentRunBox extends FullBox('trun', version, tr_flags) {
///   unsigned int(32) sample_count;
///   // the following are optional fields
///   signed int(32) data_offset;                          // 0x000001
///   unsigned int(32) first_sample_flags;                 // 0x000004
///   // all fields in the following array are optional
///   // as indicated by bits set in the tr_flags
///   {
///     unsigned int(32) sample_duration;                  // 0x000100
///     unsigned int(32) sample_size;                      // 0x000200
///     unsigned int(32) sample_flags                      // 0x000400
///     if (version == 0)
///       { unsigned int(32) sample_composition_time_offset; }
///     else
///       { signed int(32) sample_composition_time_offset; }  // 0x000800
///   }[ sample_count ]
/// }
/// ```
/// We write version 1 (signed composition offsets: B-frames on a decode timeline that starts
/// at the first presentation) with a data offset, durations and sizes always, flags when the
/// track has non-sync samples, offsets when any is non-zero. `data_offset` is written as a
/// placeholder and patched once the `moof` size is known (see `Fragment`).
public struct TrackFragmentRunBox: MP4Box {
    public static let boxType: FourCC = "trun"
    static let dataOffsetPresent: UInt32 = 0x00_0001
    static let firstSampleFlagsPresent: UInt32 = 0x00_0004

    /// Which per-sample fields the run carries (tr_flags bits 0x100…0x800); the others come
    /// from `tfhd`, then `trex`.
    public struct SampleFields: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let duration = SampleFields(rawValue: 0x000100)
        public static let size = SampleFields(rawValue: 0x000200)
        public static let flags = SampleFields(rawValue: 0x000400)
        public static let compositionTimeOffset = SampleFields(rawValue: 0x000800)
        static let all: SampleFields = [.duration, .size, .flags, .compositionTimeOffset]

        /// Bytes per sample entry.
        var entrySize: Int { 4 * (rawValue & Self.all.rawValue).nonzeroBitCount }
    }

    /// One sample's fields; those absent from `sampleFields` are 0 and not written.
    public struct Entry: Sendable, Equatable {
        public var duration: UInt32
        public var size: UInt32
        public var flags: SampleFlags
        /// Presentation minus decode time: unsigned 32-bit in version 0, signed in version 1.
        public var compositionTimeOffset: Int64

        public init(duration: UInt32 = 0, size: UInt32 = 0, flags: SampleFlags = SampleFlags(rawValue: 0), compositionTimeOffset: Int64 = 0)
        {
            self.duration = duration
            self.size = size
            self.flags = flags
            self.compositionTimeOffset = compositionTimeOffset
        }
    }

    public var version: UInt8
    /// Where the run's data starts, from the base of the `traf` (with default-base-is-moof:
    /// the first byte of the `moof`).
    public var dataOffset: Int32?
    public var firstSampleFlags: SampleFlags?
    public var sampleFields: SampleFields
    public var samples: [Entry]

    public init(version: UInt8 = 1, dataOffset: Int32?, firstSampleFlags: SampleFlags? = nil, sampleFields: SampleFields, samples: [Entry])
    {
        self.version = version
        self.dataOffset = dataOffset
        self.firstSampleFlags = firstSampleFlags
        self.sampleFields = sampleFields
        self.samples = samples
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let flags: UInt32
        (version, flags) = try body.readFullBoxHeader(versions: 0...1)
        sampleFields = SampleFields(rawValue: flags & SampleFields.all.rawValue)
        let count = Int(try body.readUInt32("sample_count"))
        try checkSampleCount(count, in: Self.boxType)
        dataOffset = flags & Self.dataOffsetPresent != 0 ? try body.readInt32("data_offset") : nil
        firstSampleFlags =
            flags & Self.firstSampleFlagsPresent != 0 ? SampleFlags(rawValue: try body.readUInt32("first_sample_flags")) : nil
        let entrySize = sampleFields.entrySize
        guard entrySize == 0 || count <= body.remaining / entrySize else {
            throw SegmenterError(
                .truncated, "'trun' announces \(count) samples of \(entrySize) bytes; \(body.remaining) bytes remain")
        }
        samples = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            var entry = Entry()
            if sampleFields.contains(.duration) { entry.duration = try body.readUInt32("sample_duration") }
            if sampleFields.contains(.size) { entry.size = try body.readUInt32("sample_size") }
            if sampleFields.contains(.flags) { entry.flags = SampleFlags(rawValue: try body.readUInt32("sample_flags")) }
            if sampleFields.contains(.compositionTimeOffset) {
                let raw = try body.readUInt32("sample_composition_time_offset")
                entry.compositionTimeOffset = version == 1 ? Int64(Int32(bitPattern: raw)) : Int64(raw)
            }
            samples.append(entry)
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        Self.writeBody(
            version: version, dataOffset: dataOffset, firstSampleFlags: firstSampleFlags, sampleFields: sampleFields, samples: samples,
            into: &writer)
    }

    /// The one serializer of a run, for a stored `samples` array and for a lazy view of a
    /// track's samples alike (the live path writes without building entries first). Returns
    /// the index of `data_offset` in `writer`, for patching, or nil when it is absent.
    /// Precondition: at most `UInt32.max` samples.
    @discardableResult
    static func writeBody(
        version: UInt8, dataOffset: Int32?, firstSampleFlags: SampleFlags?, sampleFields: SampleFields,
        samples: some Collection<Entry>, into writer: inout ByteWriter
    ) -> Int? {
        guard let count = UInt32(exactly: samples.count) else { preconditionFailure("a trun of \(samples.count) samples") }
        writer.write(version)
        writer.write24(
            sampleFields.rawValue | (dataOffset == nil ? 0 : dataOffsetPresent) | (firstSampleFlags == nil ? 0 : firstSampleFlagsPresent))
        writer.write(count)
        var dataOffsetIndex: Int?
        if let dataOffset {
            dataOffsetIndex = writer.count
            writer.write(dataOffset)
        }
        if let firstSampleFlags { writer.write(firstSampleFlags.rawValue) }
        for sample in samples {
            if sampleFields.contains(.duration) { writer.write(sample.duration) }
            if sampleFields.contains(.size) { writer.write(sample.size) }
            if sampleFields.contains(.flags) { writer.write(sample.flags.rawValue) }
            if sampleFields.contains(.compositionTimeOffset) { writer.write(UInt32(truncatingIfNeeded: sample.compositionTimeOffset)) }
        }
        return dataOffsetIndex
    }
}
