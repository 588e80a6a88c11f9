/// `hvc1` / `hev1`: the sample entry of an HEVC track, carrying its `hvcC`
/// (ISO/IEC 14496-15 §8.4.1); the visual fields are `VisualSampleEntry`'s. We write `hvc1`
/// (parameter sets in the sample entry only: what Apple's players require) and read both.
public typealias HEVCSampleEntry = VisualSampleEntry<HEVCDecoderConfigurationRecord>

extension VisualSampleEntry where Configuration == HEVCDecoderConfigurationRecord {
    /// Parameter sets in the sample entry only.
    public static var hvc1: FourCC { "hvc1" }
    /// Parameter sets may also come in band.
    public static var hev1: FourCC { "hev1" }
}

extension HEVCDecoderConfigurationRecord: VisualSampleEntryConfiguration {
    public static var codingNames: [FourCC] { ["hvc1", "hev1"] }
    public static func configuration(in box: HEVCConfigurationBox) -> Self { box.configuration }
    public var configurationBox: HEVCConfigurationBox { HEVCConfigurationBox(configuration: self) }
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
