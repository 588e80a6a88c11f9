/// Writes the initialization segment (`init.mp4`) of a fragmented MP4 stream.
///
/// ```
/// ftyp
/// moov
///   mvhd                       next_track_ID = highest track ID + 1
///   trak (per track)
///     tkhd
///     mdia
///       mdhd                   the track's timescale, duration 0 (fragments carry the samples)
///       hdlr                   vide / soun
///       minf
///         vmhd | smhd
///         dinf > dref > url    self-contained
///         stbl
///           stsd > avc1 (avcC) | hvc1 (hvcC) | mp4a (esds)
///           stts, stsc, stsz, stco   all empty
///   mvex
///     trex (per track)
/// ```
public enum InitSegment {
    /// The movie header timescale; it only scales `mvhd` durations, which are 0 here.
    static let movieTimescale: UInt32 = 1000

    /// `iso6` is the first brand that defines `tfdt` v1 and signed `trun` composition offsets.
    public static let fileType = FileTypeBox(majorBrand: "iso6", minorVersion: 0, compatibleBrands: ["iso6", "isom", "mp41"])

    public static func bytes(tracks: [Track]) -> [UInt8] {
        var writer = ByteWriter(capacity: 1024)
        fileType.write(into: &writer)
        movie(tracks: tracks).write(into: &writer)
        return writer.bytes
    }

    /// The `moov` we write for `tracks`.
    public static func movie(tracks: [Track]) -> MovieBox {
        MovieBox(
            header: MovieHeaderBox(timescale: movieTimescale, nextTrackID: (tracks.map(\.id).max() ?? 0) + 1),
            tracks: tracks.map(track),
            movieExtends: MovieExtendsBox(trackExtends: tracks.map { TrackExtendsBox(trackID: $0.id) }))
    }

    static func track(_ track: Track) -> TrackBox {
        let isVideo = track.format.isVideo
        var header = TrackHeaderBox(trackID: track.id, volume: isVideo ? 0 : 0x0100)
        if case .video(_, let width, let height, _) = track.format {
            header.width = UInt32(clamping: width) << 16
            header.height = UInt32(clamping: height) << 16
        }
        return TrackBox(
            header: header,
            media: MediaBox(
                header: MediaHeaderBox(timescale: track.format.timescale),
                handler: isVideo
                    ? HandlerBox(handlerType: HandlerBox.video, name: "VideoHandler")
                    : HandlerBox(handlerType: HandlerBox.sound, name: "SoundHandler"),
                information: MediaInformationBox(
                    mediaHeader: isVideo ? .video(VideoMediaHeaderBox()) : .sound(SoundMediaHeaderBox()),
                    dataInformation: .selfContained,
                    sampleTable: SampleTableBox(sampleDescription: SampleDescriptionBox(entries: [SampleEntry(format: track.format)])))))
    }
}
