import Segmenter

/// The frame rate of a stream's video, read from a media segment: the median sample duration
/// of the video track in the segment's `moof`s (with the init segment's `trex` defaults), as
/// frames per second rounded to 3 decimals (29.97 for 30000/1001).
///
/// The median, not the mean: the last sample of a segment written live, or the sample before a
/// pause, may last longer than the others. A variable-rate stream shows its typical rate.
enum VideoFrameRate {
    /// Segments larger than this are not read for their frame rate (the whole file is parsed):
    /// a segment of 64 MiB is minutes of 4K video, far beyond any HLS segment.
    static let maximumSegmentSize = 64 << 20

    /// Frames per second of `video` in the segment `bytes`; `nil` when the segment does not
    /// parse or has no video sample with a duration.
    static func framesPerSecond(segment bytes: [UInt8], video: InitSegmentInfo.VideoTrack, trackExtends: [TrackExtendsBox]) -> Double? {
        guard video.timescale > 0,
            let timings = try? SegmentFragments(parsing: bytes).trackFragmentTimings(trackExtends: trackExtends)
        else { return nil }
        let durations = timings.filter { $0.trackID == video.id }.flatMap(\.samples).map(\.duration).filter { $0 > 0 }.sorted()
        guard !durations.isEmpty else { return nil }
        let middle = durations.count / 2
        let median =
            durations.count % 2 == 1 ? Double(durations[middle]) : (Double(durations[middle - 1]) + Double(durations[middle])) / 2
        return (Double(video.timescale) / median * 1000).rounded() / 1000
    }
}
