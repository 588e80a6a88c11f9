/// `avc1` / `avc3`: the sample entry of an H.264 track, carrying its `avcC`
/// (ISO/IEC 14496-15 §5.4.2.1); the visual fields are `VisualSampleEntry`'s.
public typealias AVCSampleEntry = VisualSampleEntry<AVCDecoderConfigurationRecord>

extension VisualSampleEntry where Configuration == AVCDecoderConfigurationRecord {
    /// Parameter sets in the sample entry only.
    public static var avc1: FourCC { "avc1" }
    /// Parameter sets may also come in band.
    public static var avc3: FourCC { "avc3" }
}

extension AVCDecoderConfigurationRecord: VisualSampleEntryConfiguration {
    public static var codingNames: [FourCC] { ["avc1", "avc3"] }
    public static func configuration(in box: AVCConfigurationBox) -> Self { box.configuration }
    public var configurationBox: AVCConfigurationBox { AVCConfigurationBox(configuration: self) }
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
