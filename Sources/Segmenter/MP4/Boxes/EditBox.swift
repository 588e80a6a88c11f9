/// `edts`: the container of a track's edit list (ISO/IEC 14496-12 §8.6.5).
///
/// ```
/// aligned(8) class EditBox extends Box('edts') { }
///   elst               zero or one
/// ```
public struct EditBox: MP4Box {
    public static let boxType: FourCC = "edts"

    public var editList: EditListBox?

    public init(editList: EditListBox?) { self.editList = editList }

    public init(parsingBody body: inout BoxBodyReader) throws {
        editList = try body.readChildren().parseFirst(EditListBox.self)
    }

    public func writeBody(into writer: inout ByteWriter) {
        editList?.write(into: &writer)
    }
}
