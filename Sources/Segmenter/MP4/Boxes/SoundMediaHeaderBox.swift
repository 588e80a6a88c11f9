/// `smhd`: the media header of a sound track (ISO/IEC 14496-12 §12.2.2).
///
/// ```
/// aligned(8) class SoundMediaHeaderBox extends FullBox('smhd', version = 0, 0) {
///   template int(16) balance = 0;
///   const unsigned int(16) reserved = 0;
/// }
/// ```
public struct SoundMediaHeaderBox: MP4Box {
    public static let boxType: FourCC = "smhd"

    /// 8.8 fixed point: 0 is centre, -1.0 full left, 1.0 full right.
    public var balance: Int16

    public init(balance: Int16 = 0) { self.balance = balance }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        balance = try body.readInt16("balance")
        try body.skip(2, "reserved")
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(balance)
        writer.write(UInt16(0))
    }
}
