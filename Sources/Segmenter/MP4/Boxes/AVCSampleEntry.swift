/// `avc1` / `avc3`: the sample entry of an H.264 track, carrying its `avcC`
/// (ISO/IEC 14496-12 §12.1.3, ISO/IEC 14496-15 §5.4.2.1).
///
/// ```
/// class AVCSampleEntry() extends VisualSampleEntry ('avc1') {
///   AVCConfigurationBox config;
///   MPEG4ExtensionDescriptorsBox (); // optional
/// }
/// ```
/// The visual fields before the configuration are `VisualSampleEntryFields`. Child boxes other than `avcC` (pasp, colr, btrt) are kept as they are and written after it.
public struct AVCSampleEntry: MP4Box {
    public static let boxType: FourCC = "avc1"
    /// Parameter sets in the sample entry only.
    public static let avc1: FourCC = "avc1"
    /// Parameter sets may also come in band.
    public static let avc3: FourCC = "avc3"

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
    public var configuration: AVCDecoderConfigurationRecord
    public var otherBoxes: [RawBox]

    public init(
        codingName: FourCC = avc1, dataReferenceIndex: UInt16 = 1, width: UInt16, height: UInt16,
        horizontalResolution: UInt32 = 0x0048_0000, verticalResolution: UInt32 = 0x0048_0000, frameCount: UInt16 = 1,
        compressorName: [UInt8] = [], depth: UInt16 = 0x0018, configuration: AVCDecoderConfigurationRecord, otherBoxes: [RawBox] = []
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

    public static func accepts(_ type: FourCC) -> Bool { type == avc1 || type == avc3 }

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
        guard let index = children.firstIndex(where: { $0.type == AVCConfigurationBox.boxType }) else {
            throw SegmenterError(.missingBox, "'\(body.type)' sample entry has no 'avcC' box")
        }
        configuration = try AVCConfigurationBox(parsing: children.remove(at: index)).configuration
        otherBoxes = children
    }

    public func writeBody(into writer: inout ByteWriter) {
        VisualSampleEntryFields(
            dataReferenceIndex: dataReferenceIndex, width: width, height: height, horizontalResolution: horizontalResolution,
            verticalResolution: verticalResolution, frameCount: frameCount, compressorName: compressorName, depth: depth
        ).write(into: &writer)
        AVCConfigurationBox(configuration: configuration).write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}

/// `avcC`: the box around an `AVCDecoderConfigurationRecord` (ISO/IEC 14496-15 §5.4.2.1).
///
/// ```
/// class AVCConfigurationBox extends Box('avcC') {
///   AVCDecoderConfigurationRecord() AVCConfig;
/// }
/// ```
/// Bytes after a complete record are ignored, as the record's own parser does (some muxers pad it).
public struct AVCConfigurationBox: MP4Box {
    public static let boxType: FourCC = "avcC"

    public var configuration: AVCDecoderConfigurationRecord

    public init(configuration: AVCDecoderConfigurationRecord) { self.configuration = configuration }

    public init(parsingBody body: inout BoxBodyReader) throws {
        configuration = try AVCDecoderConfigurationRecord(parsing: body.readRest())
    }

    public func writeBody(into writer: inout ByteWriter) { writer.write(configuration.serialized()) }
}
