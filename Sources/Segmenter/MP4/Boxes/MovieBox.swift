/// `moov`: the movie's header, its tracks and, for a fragmented file, the fragment defaults
/// (ISO/IEC 14496-12 §8.2.1).
///
/// ```
/// aligned(8) class MovieBox extends Box('moov') { }
///   mvhd               exactly one
///   trak               one or more
///   mvex               present when fragments follow
/// ```
/// Other children (udta, meta, iods, pssh) are skipped when parsing and not written.
public struct MovieBox: MP4Box {
    public static let boxType: FourCC = "moov"

    public var header: MovieHeaderBox
    public var tracks: [TrackBox]
    public var movieExtends: MovieExtendsBox?

    public init(header: MovieHeaderBox, tracks: [TrackBox], movieExtends: MovieExtendsBox? = nil) {
        self.header = header
        self.tracks = tracks
        self.movieExtends = movieExtends
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        header = try children.parseRequired(MovieHeaderBox.self, in: Self.boxType)
        tracks = try children.parseAll(TrackBox.self)
        movieExtends = try children.parseFirst(MovieExtendsBox.self)
    }

    public func writeBody(into writer: inout ByteWriter) {
        header.write(into: &writer)
        for track in tracks { track.write(into: &writer) }
        movieExtends?.write(into: &writer)
    }
}
