/// `trak`: one track (ISO/IEC 14496-12 §8.3.1).
///
/// ```
/// aligned(8) class TrackBox extends Box('trak') { }
///   tkhd               exactly one
///   edts               zero or one: the edit list
///   mdia               exactly one
/// ```
/// Other children (tref, udta, meta) are skipped when parsing and not written.
public struct TrackBox: MP4Box {
    public static let boxType: FourCC = "trak"

    public var header: TrackHeaderBox
    public var edit: EditBox?
    public var media: MediaBox

    public init(header: TrackHeaderBox, edit: EditBox? = nil, media: MediaBox) {
        self.header = header
        self.edit = edit
        self.media = media
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        header = try children.parseRequired(TrackHeaderBox.self, in: Self.boxType)
        edit = try children.parseFirst(EditBox.self)
        media = try children.parseRequired(MediaBox.self, in: Self.boxType)
    }

    public func writeBody(into writer: inout ByteWriter) {
        header.write(into: &writer)
        edit?.write(into: &writer)
        media.write(into: &writer)
    }
}
