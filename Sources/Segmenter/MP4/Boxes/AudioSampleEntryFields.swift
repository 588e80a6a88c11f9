/// The fields every audio sample entry starts with (ISO/IEC 14496-12 §12.2.3), read and written
/// once for `mp4a` and `Opus` alike; the codec's own boxes follow them.
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
/// ```
/// The first reserved 16 bits after data_reference_index are QuickTime's sound description
/// version; versions 1 and 2 add fields, so only 0 is read.
struct AudioSampleEntryFields: Sendable, Equatable {
    var dataReferenceIndex: UInt16
    var channelCount: UInt16
    var sampleSize: UInt16
    /// 16.16 fixed point.
    var sampleRate: UInt32

    init(dataReferenceIndex: UInt16, channelCount: UInt16, sampleSize: UInt16, sampleRate: UInt32) {
        self.dataReferenceIndex = dataReferenceIndex
        self.channelCount = channelCount
        self.sampleSize = sampleSize
        self.sampleRate = sampleRate
    }

    init(parsing body: inout BoxBodyReader) throws {
        try body.skip(6, "reserved")
        dataReferenceIndex = try body.readUInt16("data_reference_index")
        let soundVersion = try body.readUInt16("reserved")
        guard soundVersion == 0 else {
            throw SegmenterError(.unsupported, "'\(body.type)' QuickTime sound description version \(soundVersion); only 0 is read")
        }
        try body.skip(6, "reserved")
        channelCount = try body.readUInt16("channelcount")
        sampleSize = try body.readUInt16("samplesize")
        try body.skip(4, "pre_defined")
        sampleRate = try body.readUInt32("samplerate")
    }

    func write(into writer: inout ByteWriter) {
        writer.writeZeros(6)
        writer.write(dataReferenceIndex)
        writer.writeZeros(8)
        writer.write(channelCount)
        writer.write(sampleSize)
        writer.writeZeros(4)
        writer.write(sampleRate)
    }
}
