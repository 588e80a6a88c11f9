/// `mp4a`: the sample entry of an MPEG-4 audio track, carrying its `esds`
/// (ISO/IEC 14496-12 §12.2.3, ISO/IEC 14496-14 §6.7): AAC (objectTypeIndication 0x40, the
/// AudioSpecificConfig as DecoderSpecificInfo) and MP3 (0x6B MPEG-1, 0x69 MPEG-2/2.5 Layer III,
/// no DecoderSpecificInfo).
///
/// ```
/// class AudioSampleEntry(codingname) extends SampleEntry (codingname) { … }   // AudioSampleEntryFields
/// class MP4AudioSampleEntry() extends AudioSampleEntry ('mp4a') { ESDBox ES; }
/// ```
/// Child boxes other than `esds` (btrt, chnl) are kept as they are and written after it.
public struct MP4AudioSampleEntry: MP4Box {
    public static let boxType: FourCC = "mp4a"

    public var dataReferenceIndex: UInt16
    public var channelCount: UInt16
    public var sampleSize: UInt16
    /// 16.16 fixed point; 0 when the rate does not fit (an AAC track's AudioSpecificConfig has it).
    public var sampleRate: UInt32
    public var descriptor: ElementaryStreamDescriptorBox
    public var otherBoxes: [RawBox]

    public init(
        dataReferenceIndex: UInt16 = 1, channelCount: UInt16, sampleSize: UInt16 = 16, sampleRate: UInt32,
        descriptor: ElementaryStreamDescriptorBox, otherBoxes: [RawBox] = []
    ) {
        self.dataReferenceIndex = dataReferenceIndex
        self.channelCount = channelCount
        self.sampleSize = sampleSize
        self.sampleRate = sampleRate
        self.descriptor = descriptor
        self.otherBoxes = otherBoxes
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let fields = try AudioSampleEntryFields(parsing: &body)
        dataReferenceIndex = fields.dataReferenceIndex
        channelCount = fields.channelCount
        sampleSize = fields.sampleSize
        sampleRate = fields.sampleRate
        var children = try body.readChildren()
        guard let index = children.firstIndex(where: { $0.type == ElementaryStreamDescriptorBox.boxType }) else {
            throw SegmenterError(.missingBox, "'mp4a' sample entry has no 'esds' box")
        }
        descriptor = try ElementaryStreamDescriptorBox(parsing: children.remove(at: index))
        otherBoxes = children
    }

    public func writeBody(into writer: inout ByteWriter) {
        AudioSampleEntryFields(
            dataReferenceIndex: dataReferenceIndex, channelCount: channelCount, sampleSize: sampleSize, sampleRate: sampleRate
        )
        .write(into: &writer)
        descriptor.write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}
