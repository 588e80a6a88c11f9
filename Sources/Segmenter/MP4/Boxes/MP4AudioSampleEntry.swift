/// `mp4a`: the sample entry of an MPEG-4 audio track, carrying its `esds`
/// (ISO/IEC 14496-12 §12.2.3, ISO/IEC 14496-14 §6.7).
///
/// ```
/// class AudioSampleEntry(codingname) extends SampleEntry (codingname) {
///   const unsigned int(8)[6] reserved = 0; unsigned int(16) data_reference_index;
///   const unsigned int(32)[2] reserved = 0;
///   template unsigned int(16) channelcount = 2;
///   template unsigned int(16) samplesize = 16;
///   unsigned int(16) pre_defined = 0; const unsigned int(16) reserved = 0 ;
///   template unsigned int(32) samplerate = { default samplerate of media } << 16;
/// }
/// class MP4AudioSampleEntry() extends AudioSampleEntry ('mp4a') { ESDBox ES; }
/// ```
/// Child boxes other than `esds` (btrt, chnl) are kept as they are and written after it.
public struct MP4AudioSampleEntry: MP4Box {
    public static let boxType: FourCC = "mp4a"

    public var dataReferenceIndex: UInt16
    public var channelCount: UInt16
    public var sampleSize: UInt16
    /// 16.16 fixed point; 0 when the rate does not fit (the AudioSpecificConfig has it).
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
        try body.skip(6, "reserved")
        dataReferenceIndex = try body.readUInt16("data_reference_index")
        let soundVersion = try body.readUInt16("reserved")
        guard soundVersion == 0 else {
            throw SegmenterError(.unsupported, "'mp4a' QuickTime sound description version \(soundVersion); only 0 is read")
        }
        try body.skip(6, "reserved")
        channelCount = try body.readUInt16("channelcount")
        sampleSize = try body.readUInt16("samplesize")
        try body.skip(4, "pre_defined")
        sampleRate = try body.readUInt32("samplerate")
        var children = try body.readChildren()
        guard let index = children.firstIndex(where: { $0.type == ElementaryStreamDescriptorBox.boxType }) else {
            throw SegmenterError(.missingBox, "'mp4a' sample entry has no 'esds' box")
        }
        descriptor = try ElementaryStreamDescriptorBox(parsing: children.remove(at: index))
        otherBoxes = children
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.writeZeros(6)
        writer.write(dataReferenceIndex)
        writer.writeZeros(8)
        writer.write(channelCount)
        writer.write(sampleSize)
        writer.writeZeros(4)
        writer.write(sampleRate)
        descriptor.write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}
