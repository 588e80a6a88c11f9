/// `mvhd`: the movie's timescale and duration, and the next free track ID (ISO/IEC 14496-12 §8.2.2).
///
/// ```
/// aligned(8) class MovieHeaderBox extends FullBox('mvhd', version, 0) {
///   if (version==1) {
///     unsigned int(64) creation_time; unsigned int(64) modification_time;
///     unsigned int(32) timescale;     unsigned int(64) duration;
///   } else { // version==0
///     unsigned int(32) creation_time; unsigned int(32) modification_time;
///     unsigned int(32) timescale;     unsigned int(32) duration;
///   }
///   template int(32) rate = 0x00010000; // typically 1.0
///   template int(16) volume = 0x0100;   // typically, full volume
///   const bit(16) reserved = 0;
///   const unsigned int(32)[2] reserved = 0;
///   template int(32)[9] matrix = { 0x00010000,0,0,0,0x00010000,0,0,0,0x40000000 };
///   bit(32)[6] pre_defined = 0;
///   unsigned int(32) next_track_ID;
/// }
/// ```
public struct MovieHeaderBox: MP4Box {
    public static let boxType: FourCC = "mvhd"

    /// 1 when the times need 64 bits; we write 0.
    public var version: UInt8
    public var creationTime: UInt64
    public var modificationTime: UInt64
    public var timescale: UInt32
    public var duration: UInt64
    /// 16.16 fixed point.
    public var rate: Int32
    /// 8.8 fixed point.
    public var volume: Int16
    public var matrix: TransformationMatrix
    public var nextTrackID: UInt32

    public init(
        version: UInt8 = 0, creationTime: UInt64 = 0, modificationTime: UInt64 = 0, timescale: UInt32, duration: UInt64 = 0,
        rate: Int32 = 0x0001_0000, volume: Int16 = 0x0100, matrix: TransformationMatrix = .identity, nextTrackID: UInt32
    ) {
        self.version = version
        self.creationTime = creationTime
        self.modificationTime = modificationTime
        self.timescale = timescale
        self.duration = duration
        self.rate = rate
        self.volume = volume
        self.matrix = matrix
        self.nextTrackID = nextTrackID
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        (version, _) = try body.readFullBoxHeader(versions: 0...1)
        creationTime = try body.readVersioned(version, "creation_time")
        modificationTime = try body.readVersioned(version, "modification_time")
        timescale = try body.readUInt32("timescale")
        duration = try body.readVersioned(version, "duration")
        rate = try body.readInt32("rate")
        volume = try body.readInt16("volume")
        try body.skip(2 + 8, "reserved")
        matrix = try TransformationMatrix(reading: &body)
        try body.skip(6 * 4, "pre_defined")
        nextTrackID = try body.readUInt32("next_track_ID")
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write24(0)
        writer.writeVersioned(version, creationTime)
        writer.writeVersioned(version, modificationTime)
        writer.write(timescale)
        writer.writeVersioned(version, duration)
        writer.write(rate)
        writer.write(volume)
        writer.writeZeros(2 + 8)
        matrix.write(into: &writer)
        writer.writeZeros(6 * 4)
        writer.write(nextTrackID)
    }
}

extension ByteWriter {
    /// A time or duration: 32 bits in version 0 (truncated: a version-0 value must fit), 64 in version 1.
    mutating func writeVersioned(_ version: UInt8, _ value: UInt64) {
        if version == 1 { write(value) } else { write(UInt32(truncatingIfNeeded: value)) }
    }
}
