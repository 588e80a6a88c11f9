import Segmenter

/// The header of an Enhanced RTMP audio tag (veovera enhanced-rtmp v2, "ExAudioTagHeader"),
/// read up to the start of the codec data of the stream's track.
///
/// ```
/// byte 0         = SoundFormat(4)=9 (ExHeader) AudioPacketType(4)
/// ModEx wrappers, Multitrack(5) header and tracks, FourCC: see `EnhancedTagFraming`
/// track data, by AudioPacketType:
///   SequenceStart(0): Opus: the ID header (RFC 7845 §5.1 `OpusHead`, may be empty);
///                     mp4a: AudioSpecificConfig; fLaC: 'fLaC' + STREAMINFO
///   CodedFrames(1):   Opus: one Opus packet (several streams: self-delimited, RFC 6716 App. B);
///                     mp4a: one raw AAC frame; .mp3: MP3 frames; ac-3 / ec-3: sync frames
///   SequenceEnd(2):   nothing; MultichannelConfig(4): channel order and mapping
/// FourCCs: "Opus", "mp4a", ".mp3", "fLaC", "ac-3", "ec-3"
/// ```
struct EnhancedAudioTag: Equatable {
    /// The packet types of the specification; the raw values are its wire values (0, 1, 2, then
    /// 4, 5 and 7; 3 and 6 are reserved).
    enum PacketType: UInt8, EnhancedPacketType {
        /// The decoder configuration: OpusHead, AudioSpecificConfig, …
        case sequenceStart
        /// Coded audio: one Opus packet, one AAC frame, MP3 frames, …
        case codedFrames
        /// The end of the track's audio (skipped).
        case sequenceEnd
        /// The speaker of each channel, for codecs that do not say (skipped).
        case multichannelConfig = 4
        case multitrack
        case modEx = 7

        static let media = "audio"
    }

    /// `.media` for a sequence start or coded frames; `.ignored` for a sequence end, a
    /// multichannel configuration and a Multitrack packet without track 0.
    let content: EnhancedTagFraming.Content<PacketType>
    /// The tracks other than track 0 that a Multitrack tag carried (skipped).
    let skippedTrackIDs: [UInt8]

    /// Reads the header of `payload`, whose SoundFormat is 9 (ExHeader). Throws for a header cut
    /// short, an unknown packet type or a malformed ModEx or Multitrack header.
    init(parsing payload: [UInt8]) throws(IngestError) {
        var reader = ByteReader(payload)
        guard let first = reader.readUInt8() else { throw EnhancedTagFraming.truncated(PacketType.self) }
        let packetType: PacketType = try EnhancedTagFraming.packetType(unwrapping: first & 0x0F, from: &reader)
        let selection = try EnhancedTagFraming.selectTrack(packetType: packetType, from: &reader)
        skippedTrackIDs = selection.skippedTrackIDs
        guard let (fourCC, data) = selection.defaultTrack else {
            content = .ignored
            return
        }
        switch selection.packetType {
        case .sequenceStart, .codedFrames:
            content = .media(fourCC: EnhancedTagFraming.fourCCString(fourCC), packetType: selection.packetType, body: data)
        case .sequenceEnd, .multichannelConfig, .multitrack, .modEx:
            content = .ignored
        }
    }
}
