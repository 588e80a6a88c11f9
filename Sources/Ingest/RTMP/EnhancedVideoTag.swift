import Segmenter

/// The header of an Enhanced RTMP video tag (veovera enhanced-rtmp v2, "ExVideoTagHeader"),
/// read up to the start of its codec data.
///
/// ```
/// byte 0         = IsExHeader(1)=1 FrameType(3) PacketType(4)
/// while PacketType == ModEx(7):
///   ModExDataSize(UI8 + 1; 256 → UI16 + 1) ModExData ModExType(4) PacketType(4)
/// PacketType == Multitrack(6):
///   MultitrackType(4) PacketType(4)  FourCC (unless ManyTracksManyCodecs)  TrackId(UI8)
///   TrackSize(UI24, unless OneTrack)
/// else:          FourCC(UI32)
/// CodedFrames(1): CompositionTime(SI24) then NAL units; CodedFramesX(3): NAL units only
/// ```
struct EnhancedVideoTag: Equatable {
    /// The packet types of the specification; the numbers are its wire values.
    enum PacketType: UInt8 {
        case sequenceStart = 0
        case codedFrames = 1
        case sequenceEnd = 2
        case codedFramesX = 3
        case metadata = 4
        case mpeg2TSSequenceStart = 5
        case multitrack = 6
        case modEx = 7
    }

    /// What the tag asks of the demuxer.
    enum Content: Equatable {
        /// Codec data of `fourCC` from `bodyOffset` on.
        case media(fourCC: String, packetType: PacketType, compositionTime: Int32, bodyOffset: Int)
        /// A tag that carries nothing to segment (metadata, a command frame, an MPEG-TS sequence start).
        case ignored
        /// A multitrack tag with more than one track: skipped, with the reason for the one warning.
        case unsupportedMultitrack(String)
    }

    let frameType: UInt8
    let content: Content

    /// ModEx wrappers one tag may nest; each costs at least two bytes, so this only bounds the loop.
    static let maximumModExWrappers = 16

    /// Reads the header of `payload`, whose first byte has the IsExHeader bit set. Throws for a
    /// header cut short, an unknown packet type or a malformed ModEx.
    init(parsing payload: [UInt8]) throws(IngestError) {
        var reader = ByteReader(payload)
        guard let first = reader.readUInt8() else { throw Self.truncated }
        frameType = (first >> 4) & 0x07
        var rawType = first & 0x0F
        var wrappers = 0
        while rawType == PacketType.modEx.rawValue {
            wrappers += 1
            guard wrappers <= Self.maximumModExWrappers else {
                throw IngestError(
                    .invalidStream, "FLV: enhanced RTMP video tag nests more than \(Self.maximumModExWrappers) ModEx wrappers")
            }
            guard var size = reader.readUInt8().map({ Int($0) + 1 }) else { throw Self.truncated }
            if size == 256 {
                guard let long = reader.readUInt16() else { throw Self.truncated }
                size = Int(long) + 1
            }
            guard reader.skip(size) else { throw Self.truncated }
            guard let next = reader.readUInt8() else { throw Self.truncated }
            rawType = next & 0x0F  // the ModExType (high bits) only refines timestamps: not needed here
        }
        guard var packetType = PacketType(rawValue: rawType) else {
            throw IngestError(.unsupportedCodec, "FLV: enhanced RTMP video packet type \(rawType) is unknown")
        }
        if frameType == 5 && packetType != .metadata {
            content = .ignored  // a video command frame: one command byte, nothing to show
            return
        }
        if packetType == .multitrack {
            guard let byte = reader.readUInt8() else { throw Self.truncated }
            let multitrackType = byte >> 4
            guard let inner = PacketType(rawValue: byte & 0x0F), inner != .multitrack, inner != .modEx else {
                throw IngestError(.unsupportedCodec, "FLV: enhanced RTMP multitrack video packet type \(byte & 0x0F) is unknown")
            }
            guard multitrackType == 0 else {
                content = .unsupportedMultitrack(
                    multitrackType == 1 ? "multitrack video (several tracks of one codec)" : "multitrack video (several codecs)")
                return
            }
            packetType = inner
            guard let fourCC = reader.readUInt32(), reader.readUInt8() != nil else { throw Self.truncated }  // FourCC, TrackId
            content = try Self.media(fourCC: fourCC, packetType: packetType, reader: &reader)
            return
        }
        guard let fourCC = reader.readUInt32() else { throw Self.truncated }
        content = try Self.media(fourCC: fourCC, packetType: packetType, reader: &reader)
    }

    private static func media(fourCC: UInt32, packetType: PacketType, reader: inout ByteReader<[UInt8]>) throws(IngestError) -> Content {
        switch packetType {
        case .metadata, .mpeg2TSSequenceStart, .sequenceEnd: return .ignored
        case .multitrack, .modEx: throw IngestError(.invalidStream, "FLV: enhanced RTMP video packet type \(packetType) is misplaced")
        case .codedFrames:
            guard let time = reader.readUInt24() else { throw truncated }
            return .media(
                fourCC: fourCCString(fourCC), packetType: packetType, compositionTime: Int32(bitPattern: time << 8) >> 8,
                bodyOffset: reader.readerIndex)
        case .sequenceStart, .codedFramesX:
            return .media(fourCC: fourCCString(fourCC), packetType: packetType, compositionTime: 0, bodyOffset: reader.readerIndex)
        }
    }

    /// A FourCC as text for matching and log lines; bytes outside printable ASCII as `\xNN`.
    static func fourCCString(_ value: UInt32) -> String {
        (0..<4).map { index in
            let byte = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(index)))
            return (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }.joined()
    }

    static let truncated = IngestError(.invalidStream, "FLV: enhanced RTMP video tag shorter than its header")
}
