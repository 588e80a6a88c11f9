import Segmenter

/// The packet types of one kind of Enhanced RTMP tag (`EnhancedVideoTag.PacketType`,
/// `EnhancedAudioTag.PacketType`): what `EnhancedTagFraming` needs to read either kind.
protocol EnhancedPacketType: RawRepresentable, Equatable where RawValue == UInt8 {
    static var modEx: Self { get }
    static var multitrack: Self { get }
    /// "video" or "audio", for error messages.
    static var media: String { get }
}

/// The framing that Enhanced RTMP video and audio tags share (veovera enhanced-rtmp v2,
/// "ExVideoTagHeader" / "ExAudioTagHeader" and their bodies): the ModEx wrappers around the
/// packet type, and the Multitrack header with its tracks.
///
/// ```
/// byte 0 = (video: IsExHeader(1) FrameType(3) | audio: SoundFormat(4)=9) PacketType(4)
/// while PacketType == ModEx(7):
///   ModExDataSize(UI8 + 1; 256 → UI16 + 1) ModExData ModExType(4) PacketType(4)
/// PacketType == Multitrack (video 6, audio 5):
///   MultitrackType(4) PacketType(4)   FourCC(UI32, unless ManyTracksManyCodecs)
///   per track, until the tag ends:
///     FourCC(UI32, ManyTracksManyCodecs only) TrackId(UI8) TrackSize(UI24, unless OneTrack) track data
///   (MultitrackType 0 = OneTrack: one track, its data is the rest of the tag; 1 = ManyTracks;
///    2 = ManyTracksManyCodecs; TrackSize counts the bytes after itself)
/// else: FourCC(UI32) data
/// ```
/// A stream is one rendition: TrackId 0 (the specification's recommended default track) is
/// the stream's track and the others are skipped, whichever kind of Multitrack packet carries them.
enum EnhancedTagFraming {
    /// ModEx wrappers one tag may nest; each costs at least two bytes, so this only bounds the loop.
    static let maximumModExWrappers = 16

    /// What an Enhanced RTMP tag asks of the demuxer.
    enum Content<PacketType: EnhancedPacketType>: Equatable {
        /// Codec data of `fourCC` in `body` (a range of the tag).
        case media(fourCC: String, packetType: PacketType, body: Range<Int>)
        /// A tag that carries nothing to segment (e.g. a sequence end, or a Multitrack packet without track 0).
        case ignored
    }

    /// The track of an Enhanced RTMP tag the demuxer takes, and those it skips.
    struct Selection<PacketType: EnhancedPacketType> {
        /// The packet type of the tag (inside its ModEx and Multitrack wrappers).
        var packetType: PacketType
        /// TrackId 0's FourCC and the range of its data in the tag, nil when the tag holds no track 0.
        var defaultTrack: (fourCC: UInt32, data: Range<Int>)?
        /// The TrackIds other than 0 in a Multitrack tag, in tag order (a track may repeat).
        var skippedTrackIDs: [UInt8] = []
    }

    /// Reads the ModEx wrappers after the tag's first byte while `rawType` (its low nibble) is
    /// ModEx, and returns the packet type they wrap. Throws for a wrapper cut short, too many
    /// wrappers, or a packet type the specification does not define.
    static func packetType<PacketType: EnhancedPacketType>(
        unwrapping rawType: UInt8, from reader: inout ByteReader<[UInt8]>
    ) throws(IngestError) -> PacketType {
        var rawType = rawType
        var wrappers = 0
        while rawType == PacketType.modEx.rawValue {
            wrappers += 1
            guard wrappers <= maximumModExWrappers else {
                throw IngestError(
                    .invalidStream, "FLV: enhanced RTMP \(PacketType.media) tag nests more than \(maximumModExWrappers) ModEx wrappers")
            }
            guard var size = reader.readUInt8().map({ Int($0) + 1 }) else { throw truncated(PacketType.self) }
            if size == 256 {
                guard let long = reader.readUInt16() else { throw truncated(PacketType.self) }
                size = Int(long) + 1
            }
            guard reader.skip(size), let next = reader.readUInt8() else { throw truncated(PacketType.self) }
            rawType = next & 0x0F  // the ModExType (high bits) only refines timestamps: not needed here
        }
        guard let packetType = PacketType(rawValue: rawType) else {
            throw IngestError(.unsupportedCodec, "FLV: enhanced RTMP \(PacketType.media) packet type \(rawType) is unknown")
        }
        return packetType
    }

    /// Reads the rest of the header after `packetType` (the FourCC, or the Multitrack header and
    /// every track's header) and picks TrackId 0. Throws for a header cut short, a track size
    /// beyond the tag, or an unknown or misplaced packet type inside a Multitrack packet.
    static func selectTrack<PacketType: EnhancedPacketType>(
        packetType: PacketType, from reader: inout ByteReader<[UInt8]>
    ) throws(IngestError) -> Selection<PacketType> {
        let tagLength = reader.readerIndex + reader.remaining
        guard packetType == .multitrack else {
            guard let fourCC = reader.readUInt32() else { throw truncated(PacketType.self) }
            return Selection(packetType: packetType, defaultTrack: (fourCC, reader.readerIndex..<tagLength))
        }
        guard let byte = reader.readUInt8() else { throw truncated(PacketType.self) }
        let multitrackType = byte >> 4
        guard let inner = PacketType(rawValue: byte & 0x0F), inner != .multitrack, inner != .modEx else {
            throw IngestError(
                .unsupportedCodec, "FLV: enhanced RTMP multitrack \(PacketType.media) packet type \(byte & 0x0F) is unknown or misplaced")
        }
        guard multitrackType <= 2 else {
            throw IngestError(.unsupportedCodec, "FLV: enhanced RTMP \(PacketType.media) multitrack type \(multitrackType) is unknown")
        }
        let oneCodec = multitrackType != 2
        var sharedFourCC: UInt32 = 0
        if oneCodec {
            guard let fourCC = reader.readUInt32() else { throw truncated(PacketType.self) }
            sharedFourCC = fourCC
        }
        var selection = Selection(packetType: inner)
        repeat {
            var fourCC = sharedFourCC
            if !oneCodec {
                guard let own = reader.readUInt32() else { throw truncated(PacketType.self) }
                fourCC = own
            }
            guard let trackID = reader.readUInt8() else { throw truncated(PacketType.self) }
            let data: Range<Int>
            if multitrackType == 0 {
                data = reader.readerIndex..<tagLength
            } else {
                guard let size = reader.readUInt24() else { throw truncated(PacketType.self) }
                guard Int(size) <= reader.remaining else {
                    throw IngestError(
                        .invalidStream,
                        "FLV: enhanced RTMP \(PacketType.media) track \(trackID) of \(size) bytes runs past its tag (\(reader.remaining) left)"
                    )
                }
                data = reader.readerIndex..<reader.readerIndex + Int(size)
            }
            _ = reader.skip(data.count)
            if trackID == 0 && selection.defaultTrack == nil {
                selection.defaultTrack = (fourCC, data)
            } else {
                selection.skippedTrackIDs.append(trackID)
            }
        } while multitrackType != 0 && !reader.isAtEnd
        return selection
    }

    static func truncated<PacketType: EnhancedPacketType>(_: PacketType.Type) -> IngestError {
        IngestError(.invalidStream, "FLV: enhanced RTMP \(PacketType.media) tag shorter than its header")
    }

    /// A FourCC as text for matching and log lines; bytes outside printable ASCII as `\xNN`.
    static func fourCCString(_ value: UInt32) -> String {
        (0..<4).map { index in
            let byte = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(index)))
            return (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }.joined()
    }
}
