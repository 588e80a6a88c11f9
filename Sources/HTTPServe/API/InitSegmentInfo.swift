import Segmenter

/// What the stream list shows about an init segment: RFC 6381 codec strings and the video size,
/// read with the segmenter's own init-segment parser (so they match what the packager wrote).
/// An init segment that does not parse shows as no codecs and no size.
struct InitSegmentInfo: Sendable, Equatable {
    var codecs: [String] = []
    var width: Int?
    var height: Int?

    init(bytes: [UInt8]) {
        guard let tracks = try? InitSegment.tracks(parsing: bytes) else { return }
        codecs = tracks.map(\.format.codecs)
        for track in tracks {
            if case .video(_, let width, let height, _) = track.format, self.width == nil {
                self.width = width
                self.height = height
            }
        }
    }
}
