/// `tkhd`: a track's ID, duration and presentation size (ISO/IEC 14496-12 §8.3.2).
///
/// ```
/// aligned(8) class TrackHeaderBox extends FullBox('tkhd', version, flags) {
///   if (version==1) {
///     unsigned int(64) creation_time; unsigned int(64) modification_time;
///     unsigned int(32) track_ID;      const unsigned int(32) reserved = 0;
///     unsigned int(64) duration;
///   } else { // version==0
///     unsigned int(32) creation_time; unsigned int(32) modification_time;
///     unsigned int(32) track_ID;      const unsigned int(32) reserved = 0;
///     unsigned int(32) duration;
///   }
///   const unsigned int(32)[2] reserved = 0;
///   template int(16) layer = 0;
///   template int(16) alternate_group = 0;
///   template int(16) volume = {if track_is_audio 0x0100 else 0};
///   const unsigned int(16) reserved = 0;
///   template int(32)[9] matrix = { 0x00010000,0,0,0,0x00010000,0,0,0,0x40000000 };
///   unsigned int(32) width;
///   unsigned int(32) height;
/// }
/// ```
public struct TrackHeaderBox: MP4Box {
    public static let boxType: FourCC = "tkhd"
    /// flags: track_enabled | track_in_movie, what every track we write carries.
    public static let enabledInMovie: UInt32 = 0x3

    public var version: UInt8
    public var flags: UInt32
    public var creationTime: UInt64
    public var modificationTime: UInt64
    public var trackID: UInt32
    public var duration: UInt64
    public var layer: Int16
    public var alternateGroup: Int16
    /// 8.8 fixed point: 1.0 for audio, 0 for video.
    public var volume: Int16
    public var matrix: TransformationMatrix
    /// 16.16 fixed point.
    public var width: UInt32
    /// 16.16 fixed point.
    public var height: UInt32

    public init(
        version: UInt8 = 0, flags: UInt32 = enabledInMovie, creationTime: UInt64 = 0, modificationTime: UInt64 = 0,
        trackID: UInt32, duration: UInt64 = 0, layer: Int16 = 0, alternateGroup: Int16 = 0, volume: Int16,
        matrix: TransformationMatrix = .identity, width: UInt32 = 0, height: UInt32 = 0
    ) {
        self.version = version
        self.flags = flags
        self.creationTime = creationTime
        self.modificationTime = modificationTime
        self.trackID = trackID
        self.duration = duration
        self.layer = layer
        self.alternateGroup = alternateGroup
        self.volume = volume
        self.matrix = matrix
        self.width = width
        self.height = height
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        (version, flags) = try body.readFullBoxHeader(versions: 0...1)
        creationTime = try body.readVersioned(version, "creation_time")
        modificationTime = try body.readVersioned(version, "modification_time")
        trackID = try body.readUInt32("track_ID")
        try body.skip(4, "reserved")
        duration = try body.readVersioned(version, "duration")
        try body.skip(8, "reserved")
        layer = try body.readInt16("layer")
        alternateGroup = try body.readInt16("alternate_group")
        volume = try body.readInt16("volume")
        try body.skip(2, "reserved")
        matrix = try TransformationMatrix(reading: &body)
        width = try body.readUInt32("width")
        height = try body.readUInt32("height")
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write24(flags)
        writer.writeVersioned(version, creationTime)
        writer.writeVersioned(version, modificationTime)
        writer.write(trackID)
        writer.write(UInt32(0))
        writer.writeVersioned(version, duration)
        writer.writeZeros(8)
        writer.write(layer)
        writer.write(alternateGroup)
        writer.write(volume)
        writer.write(UInt16(0))
        matrix.write(into: &writer)
        writer.write(width)
        writer.write(height)
    }
}
