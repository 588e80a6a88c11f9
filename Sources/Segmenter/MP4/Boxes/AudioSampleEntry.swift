/// What an audio sample entry carries after its audio fields: the codec's configuration in its
/// box (`esds` for MPEG-4 audio, `dOps` for Opus), and the coding name of the entry.
public protocol AudioSampleEntryConfiguration: Sendable, Equatable {
    associatedtype ConfigurationBox: MP4Box
    /// The sample entry type that carries this configuration.
    static var codingName: FourCC { get }
    /// The configuration a parsed configuration box holds.
    static func configuration(in box: ConfigurationBox) -> Self
    /// The box that holds this configuration.
    var configurationBox: ConfigurationBox { get }
}

/// An audio sample entry (ISO/IEC 14496-12 §12.2.3) with the configuration box of its codec:
/// `MP4AudioSampleEntry` (`mp4a` + `esds`: AAC, MP3) and `OpusSampleEntry` (`Opus` + `dOps`).
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
/// class MP4AudioSampleEntry() extends AudioSampleEntry ('mp4a') { ESDBox ES; }   // ISO/IEC 14496-14 §6.7
/// class OpusSampleEntry() extends AudioSampleEntry ('Opus') { OpusSpecificBox(); }
/// ```
/// The first reserved 16 bits after data_reference_index are QuickTime's sound description
/// version; versions 1 and 2 add fields, so only 0 is read. Child boxes other than the
/// configuration (btrt, chnl) are kept as they are and written after it.
public struct AudioSampleEntry<Configuration: AudioSampleEntryConfiguration>: MP4Box {
    public static var boxType: FourCC { Configuration.codingName }

    public var dataReferenceIndex: UInt16
    public var channelCount: UInt16
    public var sampleSize: UInt16
    /// 16.16 fixed point; 0 when the rate does not fit (an AAC track's AudioSpecificConfig has it).
    public var sampleRate: UInt32
    public var configuration: Configuration
    public var otherBoxes: [RawBox]

    public init(
        dataReferenceIndex: UInt16 = 1, channelCount: UInt16, sampleSize: UInt16 = 16, sampleRate: UInt32,
        configuration: Configuration, otherBoxes: [RawBox] = []
    ) {
        self.dataReferenceIndex = dataReferenceIndex
        self.channelCount = channelCount
        self.sampleSize = sampleSize
        self.sampleRate = sampleRate
        self.configuration = configuration
        self.otherBoxes = otherBoxes
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
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
        var children = try body.readChildren()
        configuration = Configuration.configuration(
            in: try children.removeRequired(Configuration.ConfigurationBox.self, inSampleEntry: Self.boxType))
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
        configuration.configurationBox.write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}

/// `mp4a` with its `esds`: AAC (objectTypeIndication 0x40, the AudioSpecificConfig as
/// DecoderSpecificInfo) and MP3 (0x6B MPEG-1, 0x69 MPEG-2/2.5 Layer III, no DecoderSpecificInfo).
public typealias MP4AudioSampleEntry = AudioSampleEntry<ElementaryStreamDescriptorBox>

/// `Opus` with its `dOps` ("Encapsulation of Opus in ISO Base Media File Format" §4.3.1). Each
/// sample is one Opus packet; the media timescale is 48000 (Opus decodes at 48 kHz whatever
/// the input rate was).
public typealias OpusSampleEntry = AudioSampleEntry<OpusSpecificConfig>

extension ElementaryStreamDescriptorBox: AudioSampleEntryConfiguration {
    public static var codingName: FourCC { "mp4a" }
    public static func configuration(in box: ElementaryStreamDescriptorBox) -> ElementaryStreamDescriptorBox { box }
    public var configurationBox: ElementaryStreamDescriptorBox { self }
}

extension OpusSpecificConfig: AudioSampleEntryConfiguration {
    public static var codingName: FourCC { "Opus" }
    public static func configuration(in box: OpusSpecificBox) -> OpusSpecificConfig { box.configuration }
    public var configurationBox: OpusSpecificBox { OpusSpecificBox(configuration: self) }
}

extension AudioSampleEntry where Configuration == OpusSpecificConfig {
    /// The fields as the Opus encapsulation sets them: channelcount = OutputChannelCount,
    /// samplerate = 48000 << 16.
    public init(dataReferenceIndex: UInt16 = 1, sampleSize: UInt16 = 16, configuration: OpusSpecificConfig, otherBoxes: [RawBox] = []) {
        self.init(
            dataReferenceIndex: dataReferenceIndex, channelCount: UInt16(configuration.outputChannelCount), sampleSize: sampleSize,
            sampleRate: UInt32(OpusSpecificConfig.sampleRate) << 16, configuration: configuration, otherBoxes: otherBoxes)
    }
}
