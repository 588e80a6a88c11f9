import Foundation
import Segmenter
import TestSupport

/// The sample timeline of hlsseg's output (init + each `moof`/`mdat` segment), read by the
/// product's ISO-BMFF parsers (`InitSegment.movie(parsing:)`, `SegmentFragments`) by the
/// ISO/IEC 14496-12 rules: `pts = dts + composition offset`, signed in `trun` version 1.
/// Those parsers are themselves tested against FFmpeg's output in SegmenterTests.
///
/// FFmpeg's mov demuxer is not used for this on purpose: for fragments it adds the largest
/// negative composition offset to every pts (its `dts_shift`) without moving dts, so it shows
/// B-frame video later than a browser's MSE does.
struct FragmentTimeline {
    struct Sample: Equatable {
        var dts: Int64
        var pts: Int64
        var duration: Int64
    }

    struct Fragment: Equatable {
        var baseMediaDecodeTime: Int64
        var samples: [Sample]
    }

    struct Track {
        var id: UInt32
        var kind: StreamKind?
        var timescale: Int64
        var fragments: [Fragment] = []

        var samples: [Sample] { fragments.flatMap(\.samples) }
    }

    private(set) var tracks: [UInt32: Track] = [:]

    func track(_ kind: StreamKind) -> Track? {
        tracks.values.filter { $0.kind == kind }.min { $0.id < $1.id }
    }

    init(initSegment: URL, segments: [URL]) throws {
        let movie = try InitSegment.movie(parsing: [UInt8](try Data(contentsOf: initSegment)))
        for trak in movie.tracks {
            let handler = trak.media.handler.handlerType
            tracks[trak.header.trackID] = Track(
                id: trak.header.trackID,
                kind: handler == HandlerBox.video ? .video : handler == HandlerBox.sound ? .audio : nil,
                timescale: Int64(trak.media.header.timescale))
        }
        let trackExtends = movie.movieExtends?.trackExtends ?? []
        for url in segments {
            let timings = try SegmentFragments(parsing: [UInt8](try Data(contentsOf: url))).trackFragmentTimings(trackExtends: trackExtends)
            for timing in timings {
                guard tracks[timing.trackID] != nil else {
                    throw HarnessError("\(url.lastPathComponent): traf of unknown track \(timing.trackID)")
                }
                tracks[timing.trackID]?.fragments.append(
                    Fragment(
                        baseMediaDecodeTime: Int64(timing.baseMediaDecodeTime),
                        samples: timing.samples.map {
                            Sample(dts: Int64($0.decodeTime), pts: $0.presentationTime, duration: Int64($0.duration))
                        }))
            }
        }
    }
}
