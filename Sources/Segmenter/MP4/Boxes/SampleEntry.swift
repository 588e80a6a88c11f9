/// One entry of `stsd`: `avc1`/`avc3` + `avcC` for H.264, `hvc1`/`hev1` + `hvcC` for HEVC,
/// `mp4a` + `esds` for AAC and MP3, `Opus` + `dOps` for Opus, and any other codec kept as the box
/// it is (so a file with, say, AC-3 still parses).
public enum SampleEntry: Sendable, Equatable {
    case avc(AVCSampleEntry)
    case hevc(HEVCSampleEntry)
    case mp4a(MP4AudioSampleEntry)
    case opus(OpusSampleEntry)
    case other(RawBox)

    public init(parsing box: RawBox) throws {
        switch box.type {
        case AVCSampleEntry.avc1, AVCSampleEntry.avc3: self = .avc(try AVCSampleEntry(parsing: box))
        case HEVCSampleEntry.hvc1, HEVCSampleEntry.hev1: self = .hevc(try HEVCSampleEntry(parsing: box))
        case MP4AudioSampleEntry.boxType: self = .mp4a(try MP4AudioSampleEntry(parsing: box))
        case OpusSampleEntry.boxType: self = .opus(try OpusSampleEntry(parsing: box))
        default: self = .other(box)
        }
    }

    public func write(into writer: inout ByteWriter) {
        switch self {
        case .avc(let entry): entry.write(into: &writer)
        case .hevc(let entry): entry.write(into: &writer)
        case .mp4a(let entry): entry.write(into: &writer)
        case .opus(let entry): entry.write(into: &writer)
        case .other(let box): box.write(into: &writer)
        }
    }

    /// The entry that describes `format` as we write it.
    public init(format: TrackFormat) {
        switch format {
        case .video(.h264(let avcC), let width, let height, _):
            self = .avc(AVCSampleEntry(width: UInt16(clamping: width), height: UInt16(clamping: height), configuration: avcC))
        case .video(.hevc(let hvcC), let width, let height, _):
            self = .hevc(HEVCSampleEntry(width: UInt16(clamping: width), height: UInt16(clamping: height), configuration: hvcC))
        case .audio(.aac(let asc), let sampleRate, let channels, _):
            // 16.16 fixed point; rates above 65535 Hz do not fit, and the ASC in esds is authoritative.
            self = .mp4a(
                MP4AudioSampleEntry(
                    channelCount: UInt16(clamping: channels), sampleRate: sampleRate <= 0xffff ? UInt32(sampleRate) << 16 : 0,
                    configuration: ElementaryStreamDescriptorBox(audioSpecificConfig: asc)))
        case .audio(.mp3(let mpeg), _, let channels, _):
            self = .mp4a(
                MP4AudioSampleEntry(
                    channelCount: UInt16(clamping: channels), sampleRate: UInt32(mpeg.sampleRate) << 16,
                    configuration: ElementaryStreamDescriptorBox(mpegAudio: mpeg)))
        case .audio(.opus(let config), _, _, _):
            self = .opus(OpusSampleEntry(configuration: config))
        }
    }

    /// The track format this entry describes, with `timescale` from `mdhd`; nil for codecs we do
    /// not carry and for `mp4a` entries that are neither MPEG-4 Audio nor MP3 (or MP3 at a rate
    /// its object type does not allow). An AAC configuration that does not parse is an error.
    public func format(timescale: UInt32) throws -> TrackFormat? {
        switch self {
        case .avc(let entry):
            return .video(
                codec: .h264(entry.configuration), width: Int(entry.width), height: Int(entry.height), timescale: timescale)
        case .hevc(let entry):
            return .video(
                codec: .hevc(entry.configuration), width: Int(entry.width), height: Int(entry.height), timescale: timescale)
        case .mp4a(let entry):
            let config = entry.configuration.decoderConfig
            if config.objectTypeIndication != DecoderConfigDescriptor.mpeg4Audio {
                // MP3: the rate and channel count are the entry's (16.16 rate, integer part).
                let mpeg = MPEGAudioFormat(
                    objectTypeIndication: config.objectTypeIndication, sampleRate: Int(entry.sampleRate >> 16),
                    channels: Int(entry.channelCount))
                return mpeg.map { .audio(codec: .mp3($0), sampleRate: $0.sampleRate, channels: $0.channels, timescale: timescale) }
            }
            guard let info = config.decoderSpecificInfo else { return nil }
            let asc = try AudioSpecificConfig(parsing: info)
            let channels: Int
            switch asc.channelConfiguration {
            case 0: channels = Int(entry.channelCount)
            case 7: channels = 8
            default: channels = Int(asc.channelConfiguration)
            }
            return .audio(codec: .aac(asc), sampleRate: asc.sampleRate, channels: channels, timescale: timescale)
        case .opus(let entry):
            let config = entry.configuration
            return .audio(codec: .opus(config), sampleRate: OpusSpecificConfig.sampleRate, channels: config.channels, timescale: timescale)
        case .other:
            return nil
        }
    }

    /// Writes the sample entry of `format`.
    static func write(_ writer: inout ByteWriter, _ format: TrackFormat) {
        SampleEntry(format: format).write(into: &writer)
    }
}

extension SampleEntry {
    /// A descriptor of `esds`: tag, size in 7-bit groups, body.
    static func writeDescriptor(_ writer: inout ByteWriter, tag: UInt8, body: [UInt8]) {
        ElementaryStreamDescriptorBox.writeDescriptor(&writer, tag: tag, body: body)
    }
}
