/// What a visual sample entry carries after its visual fields: the codec's configuration record
/// in its box (`avcC` for H.264, `hvcC` for HEVC), and the coding names of the entries that
/// carry it.
public protocol VisualSampleEntryConfiguration: Sendable, Equatable {
    associatedtype ConfigurationBox: MP4Box
    /// The sample entry types that carry this configuration; the first is written by default.
    static var codingNames: [FourCC] { get }
    /// The record a parsed configuration box holds.
    static func configuration(in box: ConfigurationBox) -> Self
    /// The box that holds this record.
    var configurationBox: ConfigurationBox { get }
}

/// A visual sample entry (ISO/IEC 14496-12 §12.1.3) with the configuration box of its codec:
/// `AVCSampleEntry` (`avc1`/`avc3` + `avcC`), `HEVCSampleEntry` (`hvc1`/`hev1` + `hvcC`).
///
/// ```
/// class VisualSampleEntry(codingname) extends SampleEntry (codingname) {
///   const unsigned int(8)[6] reserved = 0; unsigned int(16) data_reference_index;
///   unsigned int(16) pre_defined = 0; const unsigned int(16) reserved = 0;
///   unsigned int(32)[3] pre_defined = 0;
///   unsigned int(16) width; unsigned int(16) height;
///   template unsigned int(32) horizresolution = 0x00480000; // 72 dpi
///   template unsigned int(32) vertresolution = 0x00480000;
///   const unsigned int(32) reserved = 0;
///   template unsigned int(16) frame_count = 1;
///   string[32] compressorname;
///   template unsigned int(16) depth = 0x0018;
///   int(16) pre_defined = -1;
/// }
/// class AVCSampleEntry() extends VisualSampleEntry ('avc1') { AVCConfigurationBox config; … }
/// class HEVCSampleEntry() extends VisualSampleEntry ('hvc1' or 'hev1') { HEVCConfigurationBox config; … }
/// ```
/// Child boxes other than the configuration (pasp, colr, btrt) are kept as they are and written
/// after it.
public struct VisualSampleEntry<Configuration: VisualSampleEntryConfiguration>: MP4Box {
    public static var boxType: FourCC { Configuration.codingNames[0] }

    public var codingName: FourCC
    public var dataReferenceIndex: UInt16
    public var width: UInt16
    public var height: UInt16
    /// 16.16 fixed point pixels per inch.
    public var horizontalResolution: UInt32
    public var verticalResolution: UInt32
    public var frameCount: UInt16
    /// Up to 31 bytes (a Pascal string in 32).
    public var compressorName: [UInt8]
    public var depth: UInt16
    public var configuration: Configuration
    public var otherBoxes: [RawBox]

    /// `codingName`: nil writes the first of `Configuration.codingNames`.
    public init(
        codingName: FourCC? = nil, dataReferenceIndex: UInt16 = 1, width: UInt16, height: UInt16,
        horizontalResolution: UInt32 = 0x0048_0000, verticalResolution: UInt32 = 0x0048_0000, frameCount: UInt16 = 1,
        compressorName: [UInt8] = [], depth: UInt16 = 0x0018, configuration: Configuration, otherBoxes: [RawBox] = []
    ) {
        self.codingName = codingName ?? Self.boxType
        self.dataReferenceIndex = dataReferenceIndex
        self.width = width
        self.height = height
        self.horizontalResolution = horizontalResolution
        self.verticalResolution = verticalResolution
        self.frameCount = frameCount
        self.compressorName = compressorName
        self.depth = depth
        self.configuration = configuration
        self.otherBoxes = otherBoxes
    }

    public var type: FourCC { codingName }

    public static func accepts(_ type: FourCC) -> Bool { Configuration.codingNames.contains(type) }

    public init(parsingBody body: inout BoxBodyReader) throws {
        codingName = body.type
        try body.skip(6, "reserved")
        dataReferenceIndex = try body.readUInt16("data_reference_index")
        try body.skip(2 + 2 + 12, "pre_defined")
        width = try body.readUInt16("width")
        height = try body.readUInt16("height")
        horizontalResolution = try body.readUInt32("horizresolution")
        verticalResolution = try body.readUInt32("vertresolution")
        try body.skip(4, "reserved")
        frameCount = try body.readUInt16("frame_count")
        let name = try body.readBytes(32, "compressorname")
        compressorName = Array(name.dropFirst().prefix(min(Int(name.first ?? 0), 31)))
        depth = try body.readUInt16("depth")
        try body.skip(2, "pre_defined")
        var children = try body.readChildren()
        configuration = Configuration.configuration(
            in: try children.removeRequired(Configuration.ConfigurationBox.self, inSampleEntry: body.type))
        otherBoxes = children
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.writeZeros(6)
        writer.write(dataReferenceIndex)
        writer.writeZeros(2 + 2 + 12)
        writer.write(width)
        writer.write(height)
        writer.write(horizontalResolution)
        writer.write(verticalResolution)
        writer.write(UInt32(0))
        writer.write(frameCount)
        let name = compressorName.prefix(31)
        writer.write(UInt8(name.count))
        writer.write(name)
        writer.writeZeros(31 - name.count)
        writer.write(depth)
        writer.write(UInt16(0xffff))
        configuration.configurationBox.write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}
