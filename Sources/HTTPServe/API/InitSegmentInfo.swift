import Segmenter

/// What the stream list shows about an init segment: RFC 6381 codec strings and the video size,
/// read with the segmenter's own init-segment parser (so they match what the packager wrote),
/// and what it takes to read the video's sample durations from a media segment.
/// An init segment that does not parse shows as no codecs, no size and no video track.
struct InitSegmentInfo: Sendable, Equatable {
    var codecs: [String] = []
    var width: Int?
    var height: Int?
    /// The first video track's ID and timescale.
    var videoTrack: VideoTrack?
    /// The `trex` defaults of every track (`mvex`), which a `moof` may rely on for durations.
    var trackExtends: [TrackExtendsBox] = []

    struct VideoTrack: Sendable, Equatable {
        var id: UInt32
        var timescale: UInt32
    }

    init(bytes: [UInt8]) {
        guard let tracks = try? InitSegment.tracks(parsing: bytes) else { return }
        codecs = tracks.map(\.format.codecs)
        for track in tracks {
            if case .video(_, let width, let height, let timescale) = track.format, self.width == nil {
                self.width = width
                self.height = height
                videoTrack = VideoTrack(id: track.id, timescale: timescale)
            }
        }
        trackExtends = (try? InitSegment.movie(parsing: bytes))?.movieExtends?.trackExtends ?? []
    }
}
