/// A track of the output: its ID in the MP4 files and what it carries.
public struct Track: Sendable, Equatable {
    /// The `track_ID` in `tkhd`, `tfhd` and `trex`; 1-based and unique within a stream.
    public var id: UInt32
    public var format: TrackFormat

    public init(id: UInt32, format: TrackFormat) {
        self.id = id
        self.format = format
    }
}

public enum VideoCodec: Sendable, Equatable {
    case h264(AVCDecoderConfigurationRecord)
    case hevc(HEVCDecoderConfigurationRecord)
}

public enum AudioCodec: Sendable, Equatable {
    case aac(AudioSpecificConfig)
    /// MP3: MPEG-1, MPEG-2 or MPEG-2.5 Layer III, one frame per sample.
    case mp3(MPEGAudioFormat)
    /// Opus, one packet per sample, timescale 48000.
    case opus(OpusSpecificConfig)
}

/// What a track carries, with everything the init segment and the playlist need to describe it.
public enum TrackFormat: Sendable, Equatable {
    case video(codec: VideoCodec, width: Int, height: Int, timescale: UInt32)
    case audio(codec: AudioCodec, sampleRate: Int, channels: Int, timescale: UInt32)

    /// Ticks per second of this track's timestamps (`mdhd.timescale`).
    public var timescale: UInt32 {
        switch self {
        case .video(_, _, _, let timescale), .audio(_, _, _, let timescale): timescale
        }
    }

    public var isVideo: Bool {
        if case .video = self { return true }
        return false
    }

    /// The RFC 6381 `codecs` parameter, e.g. `avc1.64001f`, `hvc1.1.6.L93.B0`, `mp4a.40.2`, `mp4a.6B`
    /// (MP3) or `opus`.
    public var codecs: String {
        switch self {
        case .video(.h264(let avcC), _, _, _): avcC.codecsString
        case .video(.hevc(let hvcC), _, _, _): hvcC.codecsString
        case .audio(.aac(let asc), _, _, _): asc.codecsString
        case .audio(.mp3(let mpeg), _, _, _): mpeg.codecsString
        case .audio(.opus(let opus), _, _, _): opus.codecsString
        }
    }
}
