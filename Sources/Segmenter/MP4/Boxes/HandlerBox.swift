/// `hdlr`: what kind of media a track holds (ISO/IEC 14496-12 §8.4.3).
///
/// ```
/// aligned(8) class HandlerBox extends FullBox('hdlr', version = 0, 0) {
///   unsigned int(32) pre_defined = 0;
///   unsigned int(32) handler_type;
///   const unsigned int(32)[3] reserved = 0;
///   string name;  // null-terminated UTF-8
/// }
/// ```
/// `name` takes the rest of the box: it is read up to its first NUL, and a name without one
/// (older QuickTime writers) is accepted as it stands.
public struct HandlerBox: MP4Box {
    public static let boxType: FourCC = "hdlr"
    public static let video: FourCC = "vide"
    public static let sound: FourCC = "soun"

    public var handlerType: FourCC
    public var name: String

    public init(handlerType: FourCC, name: String) {
        self.handlerType = handlerType
        self.name = name
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        try body.skip(4, "pre_defined")
        handlerType = try body.readFourCC("handler_type")
        try body.skip(12, "reserved")
        name = String(decoding: body.readRest().prefix { $0 != 0 }, as: UTF8.self)
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(UInt32(0))  // pre_defined
        writer.write(handlerType)
        writer.writeZeros(12)
        writer.write(name.utf8)
        writer.write(UInt8(0))
    }
}
