/// `minf`: the media-specific header, where the data is, and the sample tables
/// (ISO/IEC 14496-12 §8.4.4).
///
/// ```
/// aligned(8) class MediaInformationBox extends Box('minf') { }
///   vmhd | smhd        the media header of a video or sound track
///   dinf               data references
///   stbl               exactly one
/// ```
/// Media headers of other track kinds (nmhd, sthd, gmhd) are skipped: `mediaHeader` is nil.
public struct MediaInformationBox: MP4Box {
    public static let boxType: FourCC = "minf"

    public enum MediaHeader: Sendable, Equatable {
        case video(VideoMediaHeaderBox)
        case sound(SoundMediaHeaderBox)
    }

    public var mediaHeader: MediaHeader?
    public var dataInformation: DataInformationBox?
    public var sampleTable: SampleTableBox

    public init(mediaHeader: MediaHeader?, dataInformation: DataInformationBox? = .selfContained, sampleTable: SampleTableBox) {
        self.mediaHeader = mediaHeader
        self.dataInformation = dataInformation
        self.sampleTable = sampleTable
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        if let video = try children.parseFirst(VideoMediaHeaderBox.self) {
            mediaHeader = .video(video)
        } else if let sound = try children.parseFirst(SoundMediaHeaderBox.self) {
            mediaHeader = .sound(sound)
        } else {
            mediaHeader = nil
        }
        dataInformation = try children.parseFirst(DataInformationBox.self)
        sampleTable = try children.parseRequired(SampleTableBox.self, in: Self.boxType)
    }

    public func writeBody(into writer: inout ByteWriter) {
        switch mediaHeader {
        case .video(let header): header.write(into: &writer)
        case .sound(let header): header.write(into: &writer)
        case nil: break
        }
        dataInformation?.write(into: &writer)
        sampleTable.write(into: &writer)
    }
}
