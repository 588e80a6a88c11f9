/// `dOps`: the decoder configuration of an Opus track ("Encapsulation of Opus in ISO Base Media
/// File Format" §4.3.2). A plain box, not a full box: its own Version byte comes first.
///
/// ```
/// aligned(8) class OpusSpecificBox extends Box('dOps') {
///   unsigned int(8) Version;                 // 0
///   unsigned int(8) OutputChannelCount;
///   unsigned int(16) PreSkip;
///   unsigned int(32) InputSampleRate;
///   signed int(16) OutputGain;
///   unsigned int(8) ChannelMappingFamily;
///   if (ChannelMappingFamily != 0) {
///     ChannelMappingTable(OutputChannelCount);
///   }
/// }
/// class ChannelMappingTable (unsigned int(8) OutputChannelCount) {
///   unsigned int(8) StreamCount;
///   unsigned int(8) CoupledCount;
///   unsigned int(8 * OutputChannelCount) ChannelMapping;
/// }
/// ```
public struct OpusSpecificBox: MP4Box {
    public static let boxType: FourCC = "dOps"

    public var configuration: OpusSpecificConfig

    public init(configuration: OpusSpecificConfig) { self.configuration = configuration }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let version = try body.readUInt8("Version")
        guard version == 0 else { throw SegmenterError(.unsupported, "'dOps' version \(version); only 0 is defined") }
        var reader = ByteReader(body.readRest())
        configuration = try OpusSpecificConfig(dOpsFields: &reader)
        guard reader.isAtEnd else {
            throw SegmenterError(.trailingBytes, "'dOps' holds \(reader.remaining) bytes after its channel mapping")
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt8(0))
        configuration.writeDOpsFields(&writer)
    }
}
