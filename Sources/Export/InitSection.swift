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
        let shifts = try Self.presentationShifts(bytes, movieTimescale: movie.header.timescale)
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
                presentationShift: shifts[id] ?? 0)
        }
        self.configuration = configuration
    }

    /// Each track's `edts > elst` read as a presentation shift: the `media_time` of its first
    /// edit that is not empty, minus the duration of an empty edit before it (in track ticks).
    /// `TrackBox` skips `edts`; only these two fields matter for an init segment.
    private static func presentationShifts(_ bytes: [UInt8], movieTimescale: UInt32) throws -> [UInt32: Int64] {
        guard let moov = try RawBox.sequence(in: bytes[...]).first(where: { $0.type == MovieBox.boxType }) else { return [:] }
        var shifts: [UInt32: Int64] = [:]
        for trak in try RawBox.sequence(in: moov.body, depth: 2) where trak.type == TrackBox.boxType {
            let box = try TrackBox(parsing: trak)
            let children = try RawBox.sequence(in: trak.body, depth: 3)
            guard let edts = children.first(where: { $0.type == "edts" }),
                let elst = try RawBox.sequence(in: edts.body, depth: 4).first(where: { $0.type == "elst" })
            else { continue }
            let entries = EditEntry.entries(elst.body)
            var delay: Int64 = 0
            for entry in entries {
                if entry.mediaTime == -1 {
                    guard movieTimescale > 0 else { break }
                    delay += Int64(entry.segmentDuration) * Int64(box.media.header.timescale) / Int64(movieTimescale)
                    continue
                }
                shifts[box.header.trackID] = entry.mediaTime - delay
                break
            }
        }
        return shifts
    }
}

/// One `elst` entry (ISO/IEC 14496-12 §8.6.6):
/// ```
/// if (version==1) { unsigned int(64) segment_duration; int(64) media_time; }
/// else { unsigned int(32) segment_duration; int(32) media_time; }
/// int(16) media_rate_integer; int(16) media_rate_fraction = 0;
/// ```
private struct EditEntry {
    var segmentDuration: UInt64
    var mediaTime: Int64

    /// The entries of an `elst` body; those past a cut-short body are ignored (at most 16
    /// are read: an init segment's edit list has one or two).
    static func entries(_ body: ArraySlice<UInt8>) -> [EditEntry] {
        let bytes = Array(body)
        guard bytes.count >= 8 else { return [] }
        func integer(_ at: Int, _ width: Int) -> UInt64? {
            guard at + width <= bytes.count else { return nil }
            return bytes[at..<(at + width)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        let version = bytes[0]
        let count = min(Int(integer(4, 4) ?? 0), 16)
        let width = version == 1 ? 8 : 4
        var entries: [EditEntry] = []
        var at = 8
        for _ in 0..<count {
            guard let duration = integer(at, width), let time = integer(at + width, width) else { break }
            let mediaTime = width == 8 ? Int64(bitPattern: time) : Int64(Int32(bitPattern: UInt32(time)))
            entries.append(EditEntry(segmentDuration: duration, mediaTime: mediaTime))
            at += 2 * width + 4
        }
        return entries
    }
}

extension FourCC {
    fileprivate var serializedBytes: [UInt8] { withUnsafeBytes(of: rawValue.bigEndian, Array.init) }
}
