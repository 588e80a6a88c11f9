import Segmenter

/// The header of an Enhanced RTMP video tag (veovera enhanced-rtmp v2, "ExVideoTagHeader"),
/// read up to the start of the codec data of the stream's track.
///
/// ```
/// byte 0         = IsExHeader(1)=1 FrameType(3) PacketType(4)
/// ModEx wrappers, Multitrack(6) header and tracks, FourCC: see `EnhancedTagFraming`
/// FrameType 5 (command frame): one command byte instead of the rest
/// track data, CodedFrames(1): CompositionTime(SI24) then NAL units; CodedFramesX(3): NAL units only
/// ```
struct EnhancedVideoTag: Equatable {
    /// The packet types of the specification; the numbers are its wire values.
    enum PacketType: UInt8, EnhancedPacketType {
        case sequenceStart = 0
        case codedFrames = 1
        case sequenceEnd = 2
        case codedFramesX = 3
        case metadata = 4
        case mpeg2TSSequenceStart = 5
        case multitrack = 6
        case modEx = 7

        static let media = "video"
    }

    let frameType: UInt8
    /// `.ignored` for metadata, a command frame, an MPEG-TS sequence start, a sequence end and a
    /// Multitrack packet without track 0; the body of CodedFrames starts after its composition time.
    let content: EnhancedTagFraming.Content<PacketType>
    /// CodedFrames: the presentation time minus the decoding time, in milliseconds; else 0.
    let compositionTime: Int32
    /// The tracks other than track 0 that a Multitrack tag carried (skipped).
    let skippedTrackIDs: [UInt8]

    /// Reads the header of `payload`, whose first byte has the IsExHeader bit set. Throws for a
    /// header cut short, an unknown packet type or a malformed ModEx or Multitrack header.
    init(parsing payload: [UInt8]) throws(IngestError) {
        var reader = ByteReader(payload)
        guard let first = reader.readUInt8() else { throw EnhancedTagFraming.truncated(PacketType.self) }
        frameType = (first >> 4) & 0x07
        let packetType: PacketType = try EnhancedTagFraming.packetType(unwrapping: first & 0x0F, from: &reader)
        if frameType == 5 && packetType != .metadata {
            content = .ignored  // a video command frame: one command byte, nothing to show
            (compositionTime, skippedTrackIDs) = (0, [])
            return
        }
        let selection = try EnhancedTagFraming.selectTrack(packetType: packetType, from: &reader)
        skippedTrackIDs = selection.skippedTrackIDs
        guard let (fourCC, data) = selection.defaultTrack else {
            (content, compositionTime) = (.ignored, 0)
            return
        }
        let name = EnhancedTagFraming.fourCCString(fourCC)
        switch selection.packetType {
        case .metadata, .mpeg2TSSequenceStart, .sequenceEnd, .multitrack, .modEx: (content, compositionTime) = (.ignored, 0)
        case .codedFrames:
            guard data.count >= 3, let time = reader.getUInt24(at: data.lowerBound) else {
                throw EnhancedTagFraming.truncated(PacketType.self)
            }
            compositionTime = Int32(bitPattern: time << 8) >> 8  // SI24
            content = .media(fourCC: name, packetType: .codedFrames, body: data.lowerBound + 3..<data.upperBound)
        case .sequenceStart, .codedFramesX:
            compositionTime = 0
            content = .media(fourCC: name, packetType: selection.packetType, body: data)
        }
    }
}
