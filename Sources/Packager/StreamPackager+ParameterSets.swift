import Segmenter

/// After a codec change mid-playlist, the first keyframe also carries the new SPS and PPS
/// in-band (before its slices). Players that re-read `#EXT-X-MAP` (browsers, hls.js, AVPlayer)
/// do not need them; FFmpeg's HLS demuxer (libavformat 5.x/6.x) keeps decoding with the first
/// init file's avcC across a map change and shows garbage without them. In-band parameter sets
/// identical to the init file's are allowed in `avc1` samples and change nothing for the others.
extension Segment {
    func withParameterSetsInBand(tracks: [Track]) -> Segment {
        var copy = self
        for (fragmentIndex, fragment) in copy.tracks.enumerated() {
            guard let track = tracks.first(where: { $0.id == fragment.trackID }),
                case .video(.h264(let avcC), _, _, _) = track.format,
                let first = fragment.samples.first, first.isSync
            else { continue }
            var prefix: [UInt8] = []
            for unit in avcC.sequenceParameterSets + avcC.pictureParameterSets {
                guard let length = UInt32(exactly: unit.count), avcC.nalLengthSize == 4 else { return self }
                prefix += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
                prefix += unit
            }
            copy.tracks[fragmentIndex].samples[0].data = prefix + first.data
        }
        return copy
    }
}
