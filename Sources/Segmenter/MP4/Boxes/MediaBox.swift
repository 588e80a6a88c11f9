/// `mdia`: a track's media: timescale, kind and sample tables (ISO/IEC 14496-12 §8.4.1).
///
/// ```
/// aligned(8) class MediaBox extends Box('mdia') { }
///   mdhd               exactly one
///   hdlr               exactly one
///   minf               exactly one
/// ```
public struct MediaBox: MP4Box {
    public static let boxType: FourCC = "mdia"

    public var header: MediaHeaderBox
    public var handler: HandlerBox
    public var information: MediaInformationBox

    public init(header: MediaHeaderBox, handler: HandlerBox, information: MediaInformationBox) {
        self.header = header
        self.handler = handler
        self.information = information
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        header = try children.parseRequired(MediaHeaderBox.self, in: Self.boxType)
        handler = try children.parseRequired(HandlerBox.self, in: Self.boxType)
        information = try children.parseRequired(MediaInformationBox.self, in: Self.boxType)
    }

    public func writeBody(into writer: inout ByteWriter) {
        header.write(into: &writer)
        handler.write(into: &writer)
        information.write(into: &writer)
    }
}
