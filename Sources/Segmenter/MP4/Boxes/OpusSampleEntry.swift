/// `Opus`: the sample entry of an Opus track, carrying its `dOps` ("Encapsulation of Opus in
/// ISO Base Media File Format" §4.3.1). Each sample is one Opus packet; the media timescale is
/// 48000 (Opus decodes at 48 kHz whatever the input rate was).
///
/// ```
/// class OpusSampleEntry() extends AudioSampleEntry ('Opus') {   // AudioSampleEntryFields:
///   // channelcount = OutputChannelCount, samplesize = 16, samplerate = 48000 << 16
///   OpusSpecificBox();
/// }
/// ```
/// Child boxes other than `dOps` (btrt) are kept as they are and written after it.
public struct OpusSampleEntry: MP4Box {
    public static let boxType: FourCC = "Opus"

    public var dataReferenceIndex: UInt16
    public var channelCount: UInt16
    public var sampleSize: UInt16
    /// 16.16 fixed point; 48000 << 16 as the specification sets it.
    public var sampleRate: UInt32
    public var configuration: OpusSpecificConfig
    public var otherBoxes: [RawBox]

    public init(
        dataReferenceIndex: UInt16 = 1, sampleSize: UInt16 = 16, configuration: OpusSpecificConfig, otherBoxes: [RawBox] = []
    ) {
        self.dataReferenceIndex = dataReferenceIndex
        self.channelCount = UInt16(configuration.outputChannelCount)
        self.sampleSize = sampleSize
        self.sampleRate = UInt32(OpusSpecificConfig.sampleRate) << 16
        self.configuration = configuration
        self.otherBoxes = otherBoxes
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let fields = try AudioSampleEntryFields(parsing: &body)
        dataReferenceIndex = fields.dataReferenceIndex
        channelCount = fields.channelCount
        sampleSize = fields.sampleSize
        sampleRate = fields.sampleRate
        var children = try body.readChildren()
        guard let index = children.firstIndex(where: { $0.type == OpusSpecificBox.boxType }) else {
            throw SegmenterError(.missingBox, "'Opus' sample entry has no 'dOps' box")
        }
        configuration = try OpusSpecificBox(parsing: children.remove(at: index)).configuration
        otherBoxes = children
    }

    public func writeBody(into writer: inout ByteWriter) {
        AudioSampleEntryFields(
            dataReferenceIndex: dataReferenceIndex, channelCount: channelCount, sampleSize: sampleSize, sampleRate: sampleRate
        )
        .write(into: &writer)
        OpusSpecificBox(configuration: configuration).write(into: &writer)
        for box in otherBoxes { box.write(into: &writer) }
    }
}
