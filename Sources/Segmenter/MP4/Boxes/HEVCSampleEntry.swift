/// `hvc1` / `hev1`: the sample entry of an HEVC track, carrying its `hvcC`
/// (ISO/IEC 14496-12 §12.1.3, ISO/IEC 14496-15 §8.4.1).
///
/// ```
/// class HEVCSampleEntry() extends VisualSampleEntry ('hvc1' or 'hev1') {
///   HEVCConfigurationBox config;
///   MPEG4ExtensionDescriptorsBox (); // optional
/// }
/// ```
/// The visual fields before the configuration are `VisualSampleEntryFields`. We write `hvc1` (parameter sets in the sample entry only: what Apple's players require) and
/// read both. Child boxes other than `hvcC` (pasp, colr, btrt) are kept and written after it.
public struct HEVCSampleEntry: MP4Box {
    public static let boxType: FourCC = "hvc1"
    /// Parameter sets in the sample entry only.
    public static let hvc1: FourCC = "hvc1"
    /// Parameter sets may also come in band.
    public static let hev1: FourCC = "hev1"

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
    public var configuration: HEVCDecoderConfigurationRecord
    public var otherBoxes: [RawBox]

    public init(
        codingName: FourCC = hvc1, dataReferenceIndex: UInt16 = 1, width: UInt16, height: UInt16,
        horizontalResolution: UInt32 = 0x0048_0000, verticalResolution: UInt32 = 0x0048_0000, frameCount: UInt16 = 1,
        compressorName: [UInt8] = [], depth: UInt16 = 0x0018, configuration: HEVCDecoderConfigurationRecord, otherBoxes: [RawBox] = []
    ) {
        self.codingName = codingName
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

    public static func accepts(_ type: FourCC) -> Bool { type == hvc1 || type == hev1 }

    public init(parsingBody body: inout BoxBodyReader) throws {
        codingName = body.type
        let fields = try VisualSampleEntryFields(parsing: &body)
        dataReferenceIndex = fields.dataReferenceIndex
        width = fields.width
        height = fields.height
        horizontalResolution = fields.horizontalResolution
        verticalResolution = fields.verticalResolution
        frameCount = fields.frameCount
        compressorName = fields.compressorName
        depth = fields.depth
        var children = try body.readChildren()
        guard let index = children.firstIndex(where: { $0.type == HEVCConfigurationBox.boxType }) else {
            throw SegmenterError(.missingBox, "'\(body.type)' sample entry has no 'hvcC' box")
        }
        configuration = try HEVCConfigurationBox(parsing: children.remove(at: index)).configuration
        otherBoxes = children
    }

    public func writeBody(into writer: inout ByteWriter) {
        VisualSampleEntryFields(
            dataReferenceIndex: dataReferenceIndex, width: width, height: height, horizontalResolution: horizontalResolution,
            verticalResolution: verticalResolution, frameCount: frameCount, compressorName: compressorName, depth: depth
        ).write(into: &writer)
        HEVCConfigurationBox(configuration: configuration).write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}

/// `hvcC`: the box around an `HEVCDecoderConfigurationRecord` (ISO/IEC 14496-15 §8.4.1.1).
///
/// ```
/// class HEVCConfigurationBox extends Box('hvcC') {
///   HEVCDecoderConfigurationRecord() HEVCConfig;
/// }
/// ```
/// Bytes after a complete record are ignored, as the record's own parser does (some muxers pad it).
public struct HEVCConfigurationBox: MP4Box {
    public static let boxType: FourCC = "hvcC"

    public var configuration: HEVCDecoderConfigurationRecord

    public init(configuration: HEVCDecoderConfigurationRecord) { self.configuration = configuration }

    public init(parsingBody body: inout BoxBodyReader) throws {
        configuration = try HEVCDecoderConfigurationRecord(parsing: body.readRest())
    }

    public func writeBody(into writer: inout ByteWriter) { writer.write(configuration.serialized()) }
}
