/// `tfdt`: the decode time of a track fragment's first sample (ISO/IEC 14496-12 §8.8.12). We
/// write version 1: the sum of the track's earlier sample durations, which outgrows 32 bits in
/// a long stream.
///
/// ```
/// aligned(8) class TrackFragmentBaseMediaDecodeTimeBox extends FullBox('tfdt', version, 0) {
///   if (version==1) { unsigned int(64) baseMediaDecodeTime; }
///   else { // version==0
///     unsigned int(32) baseMediaDecodeTime; }
/// }
/// ```
public struct TrackFragmentBaseMediaDecodeTimeBox: MP4Box {
    public static let boxType: FourCC = "tfdt"

    public var version: UInt8
    public var baseMediaDecodeTime: UInt64

    public init(version: UInt8 = 1, baseMediaDecodeTime: UInt64) {
        self.version = version
        self.baseMediaDecodeTime = baseMediaDecodeTime
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        (version, _) = try body.readFullBoxHeader(versions: 0...1)
        baseMediaDecodeTime = try body.readVersioned(version, "baseMediaDecodeTime")
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write24(0)
        writer.writeVersioned(version, baseMediaDecodeTime)
    }
}
