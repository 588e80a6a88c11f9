/// `vmhd`: the media header of a video track (ISO/IEC 14496-12 §12.1.2).
///
/// ```
/// aligned(8) class VideoMediaHeaderBox extends FullBox('vmhd', version = 0, 1) {
///   template unsigned int(16) graphicsmode = 0; // copy, see below
///   template unsigned int(16)[3] opcolor = {0, 0, 0};
/// }
/// ```
/// The flags are always 1 (written so; not checked when read, as some writers use 0).
public struct VideoMediaHeaderBox: MP4Box {
    public static let boxType: FourCC = "vmhd"

    public var graphicsMode: UInt16
    public var opcolor: (red: UInt16, green: UInt16, blue: UInt16)

    public init(graphicsMode: UInt16 = 0, opcolor: (red: UInt16, green: UInt16, blue: UInt16) = (0, 0, 0)) {
        self.graphicsMode = graphicsMode
        self.opcolor = opcolor
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        graphicsMode = try body.readUInt16("graphicsmode")
        opcolor = (try body.readUInt16("opcolor"), try body.readUInt16("opcolor"), try body.readUInt16("opcolor"))
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt8(0))
        writer.write24(1)
        writer.write(graphicsMode)
        writer.write(opcolor.red)
        writer.write(opcolor.green)
        writer.write(opcolor.blue)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.graphicsMode == rhs.graphicsMode && lhs.opcolor == rhs.opcolor
    }
}
