/// `mvex` > `trex`: the file is fragmented, and these are each track's sample defaults for
/// fields a fragment leaves out (ISO/IEC 14496-12 §8.8.1, §8.8.3).
///
/// ```
/// aligned(8) class MovieExtendsBox extends Box('mvex') { }
///   mehd               optional (skipped)
///   trex               one per track
/// aligned(8) class TrackExtendsBox extends FullBox('trex', 0, 0) {
///   unsigned int(32) track_ID;
///   unsigned int(32) default_sample_description_index;
///   unsigned int(32) default_sample_duration;
///   unsigned int(32) default_sample_size;
///   unsigned int(32) default_sample_flags;
/// }
/// ```
public struct MovieExtendsBox: MP4Box {
    public static let boxType: FourCC = "mvex"

    public var trackExtends: [TrackExtendsBox]

    public init(trackExtends: [TrackExtendsBox]) { self.trackExtends = trackExtends }

    public init(parsingBody body: inout BoxBodyReader) throws {
        trackExtends = try body.readChildren().parseAll(TrackExtendsBox.self)
    }

    public func writeBody(into writer: inout ByteWriter) {
        for trex in trackExtends { trex.write(into: &writer) }
    }
}

public struct TrackExtendsBox: MP4Box {
    public static let boxType: FourCC = "trex"

    public var trackID: UInt32
    public var defaultSampleDescriptionIndex: UInt32
    public var defaultSampleDuration: UInt32
    public var defaultSampleSize: UInt32
    public var defaultSampleFlags: SampleFlags

    /// Our defaults: every trun carries durations and sizes; flags 0 mean a sync sample (audio
    /// tracks, whose truns carry no flags, rely on this).
    public init(
        trackID: UInt32, defaultSampleDescriptionIndex: UInt32 = 1, defaultSampleDuration: UInt32 = 0, defaultSampleSize: UInt32 = 0,
        defaultSampleFlags: SampleFlags = SampleFlags(rawValue: 0)
    ) {
        self.trackID = trackID
        self.defaultSampleDescriptionIndex = defaultSampleDescriptionIndex
        self.defaultSampleDuration = defaultSampleDuration
        self.defaultSampleSize = defaultSampleSize
        self.defaultSampleFlags = defaultSampleFlags
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        trackID = try body.readUInt32("track_ID")
        defaultSampleDescriptionIndex = try body.readUInt32("default_sample_description_index")
        defaultSampleDuration = try body.readUInt32("default_sample_duration")
        defaultSampleSize = try body.readUInt32("default_sample_size")
        defaultSampleFlags = SampleFlags(rawValue: try body.readUInt32("default_sample_flags"))
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(trackID)
        writer.write(defaultSampleDescriptionIndex)
        writer.write(defaultSampleDuration)
        writer.write(defaultSampleSize)
        writer.write(defaultSampleFlags.rawValue)
    }
}
