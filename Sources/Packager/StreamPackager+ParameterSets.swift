import Segmenter

/// After a codec change mid-playlist, the first keyframe also carries the new parameter sets
/// in-band (SPS and PPS for H.264; VPS, SPS and PPS for HEVC, before its slices). Players that
/// re-read `#EXT-X-MAP` (browsers, hls.js, AVPlayer) do not need them; FFmpeg's HLS demuxer
/// (libavformat 5.x/6.x) keeps decoding with the first init file's avcC/hvcC across a map change
/// and shows garbage without them. In-band parameter sets identical to the init file's are
/// allowed in `avc1` samples; `hvc1` declares its arrays complete, but decoders (FFmpeg,
/// browsers) take repeated identical ones, which change nothing for them.
extension Segment {
    func withParameterSetsInBand(tracks: [Track]) -> Segment {
        var copy = self
        for (fragmentIndex, fragment) in copy.tracks.enumerated() {
            guard let track = tracks.first(where: { $0.id == fragment.trackID }),
                let first = fragment.samples.first, first.isSync
            else { continue }
            let units: [[UInt8]]
            switch track.format {
            case .video(.h264(let avcC), _, _, _):
                guard avcC.nalLengthSize == 4 else { return self }
                units = avcC.sequenceParameterSets + avcC.pictureParameterSets
            case .video(.hevc(let hvcC), _, _, _):
                guard hvcC.nalLengthSize == 4 else { return self }
                units = hvcC.videoParameterSets + hvcC.sequenceParameterSets + hvcC.pictureParameterSets
            default:
                continue
            }
            var prefix: [UInt8] = []
            for unit in units {
                guard let length = UInt32(exactly: unit.count) else { return self }
                prefix += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
                prefix += unit
            }
            copy.tracks[fragmentIndex].samples[0].data = prefix + first.data
        }
        return copy
    }
}
