import Segmenter

extension ExportSelection {
    /// The movie timescale of export files: milliseconds, as FFmpeg writes (only `mvhd`,
    /// `tkhd` and edit durations use it).
    static let movieTimescale: UInt32 = 1000

    /// The progressive MP4 of `part`: one `ProgressiveTrack` per track with samples, its edit
    /// list starting presentation at the part's start (an empty edit first for a track that
    /// starts later) and ending it at END; then the chunks' samples as file ranges.
    func file(for part: Part, chunkDuration: Double, recordingStart: Double) throws(ExportError) -> ExportFile {
        let (progressive, used) = progressiveTracks(for: part)
        guard !progressive.isEmpty else { throw ExportError(.noKeyframe, "the selected stretch holds no samples") }
        let movie: ProgressiveMovie
        do {
            movie = try ProgressiveMovie(tracks: progressive, chunkDuration: chunkDuration, movieTimescale: Self.movieTimescale)
        } catch {
            throw ExportError(.unreadableRecording, "the export's moov cannot be built: \(error)")
        }
        var fileRanges: [ExportFile.FileRange] = []
        for chunk in movie.chunks {
            let k = used[chunk.track]
            let base = part.ranges[k].lowerBound
            for index in chunk.samples {
                let sample = timeline.tracks[k].samples[base + index]
                if var last = fileRanges.last, last.source == sample.source, last.offset + last.length == sample.offset {
                    last.length += UInt64(sample.size)
                    fileRanges[fileRanges.count - 1] = last
                } else {
                    fileRanges.append(ExportFile.FileRange(source: sample.source, offset: sample.offset, length: UInt64(sample.size)))
                }
            }
        }
        return ExportFile(
            header: movie.header, paths: timeline.paths, ranges: fileRanges, start: recordingStart, duration: duration(of: part),
            sampleCounts: progressive.map(\.samples.count))
    }

    /// The tracks of `part`'s file and, for each, its index in `timeline.tracks`. A track
    /// none of whose samples is presented inside the part is left out.
    func progressiveTracks(for part: Part) -> (tracks: [ProgressiveTrack], used: [Int]) {
        var progressive: [ProgressiveTrack] = []
        var used: [Int] = []
        for (k, range) in part.ranges.enumerated() where !range.isEmpty {
            let track = timeline.tracks[k]
            let timescale = track.timescale
            let shift = track.section.presentationShift
            let firstDecode = track.samples[range.lowerBound].decodeTime
            var earliest = Int64.max
            var latestEnd = Int64.min
            var samples: [ProgressiveSample] = []
            samples.reserveCapacity(range.count)
            for index in range {
                let sample = track.samples[index]
                earliest = min(earliest, sample.rawPresentationTime)
                latestEnd = max(latestEnd, sample.rawPresentationTime + Int64(sample.duration))
                samples.append(
                    ProgressiveSample(
                        duration: sample.duration, size: sample.size, compositionOffset: sample.compositionOffset, isSync: sample.isSync))
            }
            let startTicks = Int64((part.start * timescale).rounded()) + shift
            let presentationStart: Int64
            var startDelay: UInt64 = 0
            if earliest <= startTicks {
                presentationStart = startTicks - firstDecode
            } else {
                presentationStart = earliest - firstDecode
                let delay = Double(earliest - shift) / timescale - part.start
                startDelay = UInt64(max(0, (delay * Double(Self.movieTimescale)).rounded()))
            }
            var presentationDuration: UInt64?
            if let end = part.end {
                let endTicks = Int64((end * timescale).rounded()) + shift
                let from = firstDecode + presentationStart
                if latestEnd > endTicks {
                    guard endTicks > from else { continue }  // nothing of this track is presented before END
                    presentationDuration = UInt64(endTicks - from)
                }
            }
            guard latestEnd > firstDecode + presentationStart else { continue }  // presented entirely before the start
            progressive.append(
                ProgressiveTrack(
                    template: track.section.box, samples: samples, presentationStart: presentationStart,
                    presentationDuration: presentationDuration, startDelay: startDelay))
            used.append(k)
        }
        return (progressive, used)
    }
}
