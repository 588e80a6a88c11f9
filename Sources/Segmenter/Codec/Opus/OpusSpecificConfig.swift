/// The decoder configuration of an Opus track: the fields of `dOps` ("Encapsulation of Opus in
/// ISO Base Media File Format" §4.3.2), which are those of the Ogg `OpusHead` identification
/// header (RFC 7845 §5.1) that libavformat hands over as the codec's extradata, in big-endian
/// order and without the magic signature.
///
/// ```
/// OpusHead (RFC 7845, little endian)        dOps (ISOBMFF, big endian)
///   'OpusHead'                   8 bytes      –
///   Version                      8  (1)       Version               8  (0)
///   Output Channel Count         8            OutputChannelCount    8
///   Pre-skip                    16            PreSkip              16
///   Input Sample Rate           32            InputSampleRate      32
///   Output Gain                 16 (Q7.8)     OutputGain           16 (signed, Q7.8)
///   Channel Mapping Family       8            ChannelMappingFamily  8
///   if family != 0:                           if family != 0: ChannelMappingTable
///     Stream Count               8              StreamCount         8
///     Coupled Count              8              CoupledCount        8
///     Channel Mapping  8 × channels             ChannelMapping  8 × OutputChannelCount
/// ```
public struct OpusSpecificConfig: Sendable, Equatable, Hashable {
    public var outputChannelCount: UInt8
    /// Samples at 48 kHz to discard from the decoder's output at the start (encoder delay).
    public var preSkip: UInt16
    /// The rate of the encoder's input, for information only: Opus always decodes at 48 kHz.
    public var inputSampleRate: UInt32
    /// Q7.8 dB to apply to the decoded output.
    public var outputGain: Int16
    /// 0: mono or stereo, one stream, no table; 1: Vorbis channel order; 2, 3: ambisonics;
    /// 255: no defined meaning.
    public var channelMappingFamily: UInt8
    /// Present exactly when `channelMappingFamily` is not 0.
    public var channelMapping: ChannelMappingTable?

    public struct ChannelMappingTable: Sendable, Equatable, Hashable {
        public var streamCount: UInt8
        public var coupledCount: UInt8
        /// One entry per output channel: the decoded channel it takes, or 255 for silence.
        public var mapping: [UInt8]

        public init(streamCount: UInt8, coupledCount: UInt8, mapping: [UInt8]) {
            self.streamCount = streamCount
            self.coupledCount = coupledCount
            self.mapping = mapping
        }
    }

    /// Opus decodes at 48 kHz whatever the input rate was (RFC 7845 §5.1): the track timescale.
    public static let sampleRate = 48_000

    /// The `OpusHead` magic signature.
    static let opusHeadMagic = Array("OpusHead".utf8)

    public init(
        outputChannelCount: UInt8, preSkip: UInt16, inputSampleRate: UInt32, outputGain: Int16 = 0, channelMappingFamily: UInt8 = 0,
        channelMapping: ChannelMappingTable? = nil
    ) {
        self.outputChannelCount = outputChannelCount
        self.preSkip = preSkip
        self.inputSampleRate = inputSampleRate
        self.outputGain = outputGain
        self.channelMappingFamily = channelMappingFamily
        self.channelMapping = channelMapping
    }

    /// RFC 6381 / ISOBMFF Opus: `opus`.
    public var codecsString: String { "opus" }

    /// Channels of the decoded output.
    public var channels: Int { Int(outputChannelCount) }
}

// MARK: - OpusHead and dOps

extension OpusSpecificConfig {
    /// Parses an `OpusHead` (RFC 7845 §5.1), as libavformat gives it as extradata for Ogg,
    /// Matroska, WebM and MP4 inputs alike. Versions 1 to 15 share the layout (§5.1: a reader
    /// must accept them) and may append fields, so bytes after the mapping table are ignored.
    public init(opusHead bytes: some Collection<UInt8>) throws {
        var reader = ByteReader(Array(bytes)[...])
        let magic = try reader.readBytes(8).orTruncated("OpusHead is shorter than its signature")
        guard Array(magic) == Self.opusHeadMagic else {
            throw SegmenterError(.invalidValue, "Opus extradata does not start with 'OpusHead'")
        }
        let version = try reader.readUInt8().orTruncated("OpusHead ends before its version")
        guard version >> 4 == 0 else {
            throw SegmenterError(.unsupported, "OpusHead version \(version); only major version 0 (1…15) is defined")
        }
        let channels = try reader.readUInt8().orTruncated("OpusHead ends before its channel count")
        let preSkip = try reader.readUInt16LittleEndian().orTruncated("OpusHead ends before its pre-skip")
        let rate = try reader.readUInt32LittleEndian().orTruncated("OpusHead ends before its input sample rate")
        let gain = Int16(bitPattern: try reader.readUInt16LittleEndian().orTruncated("OpusHead ends before its output gain"))
        let family = try reader.readUInt8().orTruncated("OpusHead ends before its channel mapping family")
        let table = try Self.readMappingTable(&reader, family: family, channels: channels, in: "OpusHead")
        try self.init(
            validating: OpusSpecificConfig(
                outputChannelCount: channels, preSkip: preSkip, inputSampleRate: rate, outputGain: gain, channelMappingFamily: family,
                channelMapping: table))
    }

    /// The `OpusHead` (version 1) that describes this configuration.
    public var opusHead: [UInt8] {
        var writer = ByteWriter(capacity: 19 + 2 + Int(outputChannelCount))
        writer.write(Self.opusHeadMagic)
        writer.write(UInt8(1))
        writer.write(outputChannelCount)
        writer.write(UInt8(truncatingIfNeeded: preSkip))
        writer.write(UInt8(truncatingIfNeeded: preSkip >> 8))
        for shift in stride(from: 0, to: 32, by: 8) { writer.write(UInt8(truncatingIfNeeded: inputSampleRate >> UInt32(shift))) }
        let gain = UInt16(bitPattern: outputGain)
        writer.write(UInt8(truncatingIfNeeded: gain))
        writer.write(UInt8(truncatingIfNeeded: gain >> 8))
        writeFamilyAndTable(&writer)
        return writer.bytes
    }

    /// Reads the dOps fields after its Version (the box parser has read it).
    init(dOpsFields reader: inout ByteReader<ArraySlice<UInt8>>) throws {
        let channels = try reader.readUInt8().orTruncated("'dOps' ends before its OutputChannelCount")
        let preSkip = try reader.readUInt16().orTruncated("'dOps' ends before its PreSkip")
        let rate = try reader.readUInt32().orTruncated("'dOps' ends before its InputSampleRate")
        let gain = Int16(bitPattern: try reader.readUInt16().orTruncated("'dOps' ends before its OutputGain"))
        let family = try reader.readUInt8().orTruncated("'dOps' ends before its ChannelMappingFamily")
        let table = try Self.readMappingTable(&reader, family: family, channels: channels, in: "'dOps'")
        try self.init(
            validating: OpusSpecificConfig(
                outputChannelCount: channels, preSkip: preSkip, inputSampleRate: rate, outputGain: gain, channelMappingFamily: family,
                channelMapping: table))
    }

    /// Writes the dOps fields after its Version.
    func writeDOpsFields(_ writer: inout ByteWriter) {
        writer.write(outputChannelCount)
        writer.write(preSkip)
        writer.write(inputSampleRate)
        writer.write(outputGain)
        writeFamilyAndTable(&writer)
    }

    private func writeFamilyAndTable(_ writer: inout ByteWriter) {
        writer.write(channelMappingFamily)
        if let channelMapping {
            writer.write(channelMapping.streamCount)
            writer.write(channelMapping.coupledCount)
            writer.write(channelMapping.mapping)
        }
    }

    private static func readMappingTable(
        _ reader: inout ByteReader<ArraySlice<UInt8>>, family: UInt8, channels: UInt8, in what: String
    ) throws -> ChannelMappingTable? {
        guard family != 0 else { return nil }
        let streams = try reader.readUInt8().orTruncated("\(what) ends before its stream count")
        let coupled = try reader.readUInt8().orTruncated("\(what) ends before its coupled count")
        let mapping = try reader.readBytes(Int(channels)).orTruncated("\(what) ends inside its channel mapping")
        return ChannelMappingTable(streamCount: streams, coupledCount: coupled, mapping: Array(mapping))
    }

    /// The rules of RFC 7845 §5.1.1 that a decoder relies on: at least one channel, family 0
    /// is mono or stereo without a table, a table has at least one stream, no more coupled
    /// streams than streams, and every mapping entry names a decoded channel or is 255.
    private init(validating config: OpusSpecificConfig) throws {
        guard config.outputChannelCount > 0 else { throw SegmenterError(.invalidValue, "Opus output channel count 0") }
        if let table = config.channelMapping {
            guard table.streamCount > 0 else { throw SegmenterError(.invalidValue, "Opus channel mapping with 0 streams") }
            guard table.coupledCount <= table.streamCount else {
                throw SegmenterError(
                    .invalidValue, "Opus coupled count \(table.coupledCount) exceeds the stream count \(table.streamCount)")
            }
            let decoded = Int(table.streamCount) + Int(table.coupledCount)
            guard decoded <= 255 else {
                throw SegmenterError(.invalidValue, "Opus stream count + coupled count is \(decoded); at most 255")
            }
            if let bad = table.mapping.first(where: { $0 != 255 && Int($0) >= decoded }) {
                throw SegmenterError(.invalidValue, "Opus channel mapping entry \(bad) names no decoded channel (there are \(decoded))")
            }
        } else {
            guard config.outputChannelCount <= 2 else {
                throw SegmenterError(
                    .invalidValue, "Opus channel mapping family 0 with \(config.outputChannelCount) channels; family 0 is mono or stereo")
            }
        }
        self = config
    }
}
