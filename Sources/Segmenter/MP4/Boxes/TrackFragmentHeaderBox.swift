/// `tfhd`: which track a `traf` belongs to, where its data offsets count from, and sample
/// defaults that override the track's `trex` (ISO/IEC 14496-12 §8.8.7). We write only the
/// track ID with default-base-is-moof: offsets count from the first byte of the `moof`.
///
/// ```
/// aligned(8) class TrackFragmentHeaderBox extends FullBox('tfhd', 0, tf_flags) {
///   unsigned int(32) track_ID;
///   // all the following are optional fields; their presence is indicated by bits in tf_flags
///   unsigned int(64) base_data_offset;                  // 0x000001
///   unsigned int(32) sample_description_index;          // 0x000002
///   unsigned int(32) default_sample_duration;           // 0x000008
///   unsigned int(32) default_sample_size;               // 0x000010
///   unsigned int(32) default_sample_flags;              // 0x000020
/// }
/// // 0x010000 duration-is-empty, 0x020000 default-base-is-moof
/// ```
/// Flag bits the specification does not define are ignored when read and not written.
public struct TrackFragmentHeaderBox: MP4Box {
    public static let boxType: FourCC = "tfhd"
    static let baseDataOffsetPresent: UInt32 = 0x00_0001
    static let sampleDescriptionIndexPresent: UInt32 = 0x00_0002
    static let defaultSampleDurationPresent: UInt32 = 0x00_0008
    static let defaultSampleSizePresent: UInt32 = 0x00_0010
    static let defaultSampleFlagsPresent: UInt32 = 0x00_0020
    static let durationIsEmptyFlag: UInt32 = 0x01_0000
    static let defaultBaseIsMoofFlag: UInt32 = 0x02_0000

    public var trackID: UInt32
    public var baseDataOffset: UInt64?
    public var sampleDescriptionIndex: UInt32?
    public var defaultSampleDuration: UInt32?
    public var defaultSampleSize: UInt32?
    public var defaultSampleFlags: SampleFlags?
    /// The fragment spans time but has no samples.
    public var durationIsEmpty: Bool
    /// Without `baseDataOffset`, data offsets count from the start of the enclosing `moof`.
    public var defaultBaseIsMoof: Bool

    public init(
        trackID: UInt32, baseDataOffset: UInt64? = nil, sampleDescriptionIndex: UInt32? = nil, defaultSampleDuration: UInt32? = nil,
        defaultSampleSize: UInt32? = nil, defaultSampleFlags: SampleFlags? = nil, durationIsEmpty: Bool = false,
        defaultBaseIsMoof: Bool = true
    ) {
        self.trackID = trackID
        self.baseDataOffset = baseDataOffset
        self.sampleDescriptionIndex = sampleDescriptionIndex
        self.defaultSampleDuration = defaultSampleDuration
        self.defaultSampleSize = defaultSampleSize
        self.defaultSampleFlags = defaultSampleFlags
        self.durationIsEmpty = durationIsEmpty
        self.defaultBaseIsMoof = defaultBaseIsMoof
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let flags = try body.readFullBoxHeader().flags
        trackID = try body.readUInt32("track_ID")
        baseDataOffset = flags & Self.baseDataOffsetPresent != 0 ? try body.readUInt64("base_data_offset") : nil
        sampleDescriptionIndex =
            flags & Self.sampleDescriptionIndexPresent != 0 ? try body.readUInt32("sample_description_index") : nil
        defaultSampleDuration = flags & Self.defaultSampleDurationPresent != 0 ? try body.readUInt32("default_sample_duration") : nil
        defaultSampleSize = flags & Self.defaultSampleSizePresent != 0 ? try body.readUInt32("default_sample_size") : nil
        defaultSampleFlags =
            flags & Self.defaultSampleFlagsPresent != 0
            ? SampleFlags(rawValue: try body.readUInt32("default_sample_flags")) : nil
        durationIsEmpty = flags & Self.durationIsEmptyFlag != 0
        defaultBaseIsMoof = flags & Self.defaultBaseIsMoofFlag != 0
    }

    public var flags: UInt32 {
        (baseDataOffset == nil ? 0 : Self.baseDataOffsetPresent)
            | (sampleDescriptionIndex == nil ? 0 : Self.sampleDescriptionIndexPresent)
            | (defaultSampleDuration == nil ? 0 : Self.defaultSampleDurationPresent)
            | (defaultSampleSize == nil ? 0 : Self.defaultSampleSizePresent)
            | (defaultSampleFlags == nil ? 0 : Self.defaultSampleFlagsPresent)
            | (durationIsEmpty ? Self.durationIsEmptyFlag : 0) | (defaultBaseIsMoof ? Self.defaultBaseIsMoofFlag : 0)
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt8(0))
        writer.write24(flags)
        writer.write(trackID)
        if let baseDataOffset { writer.write(baseDataOffset) }
        if let sampleDescriptionIndex { writer.write(sampleDescriptionIndex) }
        if let defaultSampleDuration { writer.write(defaultSampleDuration) }
        if let defaultSampleSize { writer.write(defaultSampleSize) }
        if let defaultSampleFlags { writer.write(defaultSampleFlags.rawValue) }
    }
}
