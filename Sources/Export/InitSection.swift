import Segmenter

/// An init segment (`#EXT-X-MAP`) as export needs it: each track's `trak` (the template of the
/// progressive file's track), its `trex` defaults (for fields the fragments leave out), and
/// the presentation shift of its edit list.
///
/// ```
/// moov
///   mvhd                       timescale (of empty edits)
///   trak (per track)           template: tkhd, mdia (mdhd, hdlr, minf > stbl > stsd)
///     edts > elst              FFmpeg's B-frame shift: presentation = pts - media_time
///   mvex > trex (per track)
/// ```
public struct InitSection: Sendable {
    public struct Track: Sendable {
        public var box: TrackBox
        public var trackExtends: TrackExtendsBox?
        /// Track ticks to subtract from `decode time + composition offset` to get the time the
        /// sample is presented at: the init's edit list `media_time` (FFmpeg shifts B-frame
        /// video this way) minus an initial empty edit.
        public var presentationShift: Int64

        public var id: UInt32 { box.header.trackID }
        public var timescale: UInt32 { box.media.header.timescale }
        public var isVideo: Bool { box.media.handler.handlerType == HandlerBox.video }
    }

    public var tracks: [Track]
    /// Equal for init segments whose samples can share one progressive file: the same tracks
    /// with the same timescales and sample descriptions (codec configuration).
    public var configuration: [UInt8]

    public init(parsing bytes: [UInt8]) throws {
        let movie = try InitSegment.movie(parsing: bytes)
        var configuration: [UInt8] = []
        tracks = try movie.tracks.map { box in
            let id = box.header.trackID
            guard box.media.header.timescale > 0 else { throw SegmenterError(.invalidValue, "track \(id) has timescale 0") }
            configuration += withUnsafeBytes(of: id.bigEndian, Array.init)
            configuration += withUnsafeBytes(of: box.media.header.timescale.bigEndian, Array.init)
            configuration += box.media.handler.handlerType.serializedBytes
            configuration += box.media.information.sampleTable.sampleDescription.serialized
            return Track(
                box: box, trackExtends: movie.movieExtends?.trackExtends.first { $0.trackID == id },
                presentationShift: Self.presentationShift(box, movieTimescale: movie.header.timescale))
        }
        self.configuration = configuration
    }

    /// A track's edit list (`edts > elst`) as a presentation shift: the `media_time` of its
    /// first edit that is not empty, minus the duration of an empty edit before it (in track ticks).
    private static func presentationShift(_ box: TrackBox, movieTimescale: UInt32) -> Int64 {
        guard let entries = box.edit?.editList?.entries else { return 0 }
        var delay: Int64 = 0
        for entry in entries {
            if entry.mediaTime == EditListBox.emptyEditMediaTime {
                guard movieTimescale > 0 else { return 0 }
                let ticks = entry.segmentDuration.multipliedFullWidth(by: UInt64(box.media.header.timescale))
                let (quotient, _) = UInt64(movieTimescale).dividingFullWidth(ticks)
                delay += Int64(clamping: quotient)
                continue
            }
            return entry.mediaTime - delay
        }
        return 0
    }
}

extension FourCC {
    fileprivate var serializedBytes: [UInt8] { withUnsafeBytes(of: rawValue.bigEndian, Array.init) }
}
