/// `mdat`: the media data the `trun`s point into (ISO/IEC 14496-12 §8.1.1).
///
/// ```
/// aligned(8) class MediaDataBox extends Box('mdat') {
///   bit(8) data[];
/// }
/// ```
/// The writer emits only the header: the payloads follow it unchanged (handed to `writev` as
/// they are). Parsing keeps the payload as a slice of the input, so its indices locate it.
public struct MediaDataBox: MP4Box {
    public static let boxType: FourCC = "mdat"

    public var data: ArraySlice<UInt8>

    public init(data: ArraySlice<UInt8>) { self.data = data }

    public init(parsingBody body: inout BoxBodyReader) throws { data = body.readRest() }

    public func writeBody(into writer: inout ByteWriter) { writer.write(data) }

    /// The 8-byte header of an `mdat` whose payload is `payloadSize` bytes.
    /// Precondition: the box fits a 32-bit size (a segment is seconds of media, never 4 GiB).
    static func writeHeader(into writer: inout ByteWriter, payloadSize: Int) {
        guard let size = UInt32(exactly: 8 + payloadSize) else { preconditionFailure("an mdat over 4 GiB") }
        writer.write(size)
        writer.write(boxType)
    }

    /// Bytes of the header of an `mdat` holding `payloadSize` bytes: 8, or 16 when the box
    /// size passes UInt32.max and needs the 64-bit `largesize`.
    static func headerSize(payloadSize: UInt64) -> Int {
        payloadSize > UInt64(UInt32.max) - 8 ? 16 : 8
    }

    /// The header of an `mdat` whose payload is `payloadSize` bytes: 8 bytes, or 16 with a
    /// 64-bit `largesize` (size field 1) past UInt32.max. Precondition: the size fits 64 bits.
    static func writeHeader(into writer: inout ByteWriter, payloadSize: UInt64) {
        guard headerSize(payloadSize: payloadSize) == 16 else {
            writer.write(UInt32(payloadSize + 8))
            writer.write(boxType)
            return
        }
        let (size, overflow) = payloadSize.addingReportingOverflow(16)
        precondition(!overflow, "an mdat larger than 2^64 bytes")
        writer.write(UInt32(1))
        writer.write(boxType)
        writer.write(size)
    }
}
