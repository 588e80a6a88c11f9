/// `mdhd`: a track's timescale, media duration and language (ISO/IEC 14496-12 §8.4.2).
///
/// ```
/// aligned(8) class MediaHeaderBox extends FullBox('mdhd', version, 0) {
///   if (version==1) {
///     unsigned int(64) creation_time; unsigned int(64) modification_time;
///     unsigned int(32) timescale;     unsigned int(64) duration;
///   } else { // version==0
///     unsigned int(32) creation_time; unsigned int(32) modification_time;
///     unsigned int(32) timescale;     unsigned int(32) duration;
///   }
///   bit(1) pad = 0;
///   unsigned int(5)[3] language; // ISO-639-2/T language code
///   unsigned int(16) pre_defined = 0;
/// }
/// ```
public struct MediaHeaderBox: MP4Box {
    public static let boxType: FourCC = "mdhd"

    public var version: UInt8
    public var creationTime: UInt64
    public var modificationTime: UInt64
    /// Ticks per second of the track's sample times.
    public var timescale: UInt32
    public var duration: UInt64
    /// Three letters, each stored as its code minus 0x60 in five bits ("und": undetermined).
    public var language: String

    public init(
        version: UInt8 = 0, creationTime: UInt64 = 0, modificationTime: UInt64 = 0, timescale: UInt32, duration: UInt64 = 0,
        language: String = "und"
    ) {
        self.version = version
        self.creationTime = creationTime
        self.modificationTime = modificationTime
        self.timescale = timescale
        self.duration = duration
        self.language = language
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        (version, _) = try body.readFullBoxHeader(versions: 0...1)
        creationTime = try body.readVersioned(version, "creation_time")
        modificationTime = try body.readVersioned(version, "modification_time")
        timescale = try body.readUInt32("timescale")
        duration = try body.readVersioned(version, "duration")
        let packed = try body.readUInt16("language")
        language = String(decoding: [10, 5, 0].map { UInt8(0x60 + (packed >> $0) & 0x1f) }, as: UTF8.self)
        try body.skip(2, "pre_defined")
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write24(0)
        writer.writeVersioned(version, creationTime)
        writer.writeVersioned(version, modificationTime)
        writer.write(timescale)
        writer.writeVersioned(version, duration)
        writer.write(packedLanguage)
        writer.write(UInt16(0))
    }

    /// The 15-bit packed code; characters outside 0x60…0x7f keep only their low five bits.
    var packedLanguage: UInt16 {
        language.utf8.prefix(3).reduce(UInt16(0)) { $0 << 5 | UInt16($1 &- 0x60) & 0x1f }
    }
}
