/// Reads the tracks back out of an initialization segment: ours, or one another tool wrote
/// (FFmpeg's hls muxer, Apple's packagers). Used to describe a stream (API) and to compare
/// codec configurations when a stream resumes.
///
/// ```
/// moov
///   trak (per track)
///     tkhd                     track_ID
///     mdia
///       mdhd                   timescale
///       hdlr                   vide / soun
///       minf > stbl > stsd     avc1|avc3 (width, height, avcC) / hvc1|hev1 (width, height, hvcC) / mp4a (channels, rate, esds)
/// ```
/// Every box is parsed by its value type in `Boxes/`. Tracks of other kinds (subtitles, timed
/// metadata, codecs we do not carry) are skipped; an H.264, HEVC or AAC track whose configuration
/// does not parse is an error.
extension InitSegment {

    public static func tracks(parsing bytes: [UInt8]) throws -> [Track] {
        try movie(parsing: bytes).tracks.compactMap(track)
    }

    /// The `moov` of an initialization segment (or of any MP4 file): `.missingBox` when there is none.
    public static func movie(parsing bytes: [UInt8]) throws -> MovieBox {
        guard let moov = try RawBox.sequence(in: bytes[...]).first(where: { $0.type == MovieBox.boxType }) else {
            throw SegmenterError(.missingBox, "no moov box: not an MP4 initialization segment")
        }
        return try MovieBox(parsing: moov)
    }

    /// The track a `trak` describes; nil for kinds and codecs we do not carry.
    private static func track(_ trak: TrackBox) throws -> Track? {
        let timescale = trak.media.header.timescale
        guard timescale > 0 else { throw SegmenterError(.invalidValue, "track \(trak.header.trackID) has timescale 0") }
        // The first sample entry describes the track.
        guard let entry = trak.media.information.sampleTable.sampleDescription.entries.first,
            let format = try entry.format(timescale: timescale)
        else { return nil }
        return Track(id: trak.header.trackID, format: format)
    }
}
