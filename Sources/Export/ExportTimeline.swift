import Logging
import Segmenter

/// The samples of a run of segments that share one codec configuration, joined into one
/// continuous time line per track.
///
/// Within a stretch where every track's decode times continue exactly from segment to
/// segment, sample times are the source's. Where they do not (an `#EXT-X-DISCONTINUITY`, a
/// reconnect, a `tfdt` jump, a segment skipped because it is missing), the next segment is
/// moved by one common amount so that no track overlaps what came before, and the last sample
/// of every track that ended earlier is lengthened up to its next sample: all tracks resume
/// together with the source's offsets between them, and there is no hole (like Android's
/// MPEG4Writer resuming after a pause).
struct ExportTimeline {
    struct Sample {
        /// On the joined time line, in track ticks.
        var decodeTime: Int64
        var offset: UInt64
        var duration: UInt32
        var size: UInt32
        var compositionOffset: Int32
        var isSync: Bool
        /// Index into `paths`.
        var source: UInt32

        var rawPresentationTime: Int64 { decodeTime + Int64(compositionOffset) }
    }

    struct Track {
        var section: InitSection.Track
        var samples: [Sample]

        var timescale: Double { Double(section.timescale) }

        /// Seconds on the joined time line at which sample `index` is presented.
        func presentationSeconds(_ index: Int) -> Double {
            Double(samples[index].rawPresentationTime - section.presentationShift) / timescale
        }

        func endSeconds(_ index: Int) -> Double {
            Double(samples[index].rawPresentationTime + Int64(samples[index].duration) - section.presentationShift) / timescale
        }

        /// Whether every sample is a sync sample (audio).
        var allSync: Bool
    }

    var tracks: [Track]
    var paths: [String]
    /// Index into `tracks` of the track whose keyframes decide where files start: the first
    /// video track, else the first track.
    var mainTrack: Int
    /// Seconds on the joined time line at which each recording segment of the run starts (the
    /// main track's earliest presentation in it); a skipped segment starts where the next does.
    var segmentStarts: [Int: Double]

    /// Joins `segments` (indices into `recording.segments`, in order, one configuration).
    init(
        recording: HLSRecording, segments: ClosedRange<Int>, section: InitSection, cache: SegmentIndexCache,
        inits: InitSectionLookup? = nil, strict: Bool,
        logger: Logger
    ) throws(ExportError) {
        let inits = inits ?? InitSectionLookup(cache: cache)
        tracks = section.tracks.map { Track(section: $0, samples: [], allSync: true) }
        paths = []
        mainTrack = section.tracks.firstIndex(where: \.isVideo) ?? 0
        segmentStarts = [:]
        var shift = [Int64?](repeating: nil, count: tracks.count)
        var end = [Int64?](repeating: nil, count: tracks.count)
        var needsKeyframe = tracks.map(\.section.isVideo)
        var shiftSeconds = 0.0
        var skippedBefore = false
        var pendingStarts: [Int] = []
        var earliestOfAnyTrack: [Int: Double] = [:]
        for segmentNumber in segments {
            let segment = recording.segments[segmentNumber]
            let initSection = try inits.section(at: segment.initPath)
            let trackExtends = initSection.tracks.compactMap(\.trackExtends)
            let index: SegmentIndex
            switch cache.segmentIndex(at: segment.path, initPath: segment.initPath, trackExtends: trackExtends) {
            case .success(let found):
                index = found
            case .failure(let failure):
                let why: String
                switch failure {
                case .missing: why = "is missing"
                case .damaged(let reason): why = "is damaged (\(reason))"
                }
                if strict {
                    throw ExportError(.missingSegment, "segment \(segment.path) \(why)")
                }
                logger.warning("segment \(segment.path) \(why): skipped, the gap is closed in the exported file")
                skippedBefore = true
                needsKeyframe = tracks.map(\.section.isVideo)
                pendingStarts.append(segmentNumber)
                continue
            }
            let source = UInt32(paths.count)
            paths.append(segment.path)
            let present = tracks.indices.filter { !(index.tracks[tracks[$0].section.id]?.isEmpty ?? true) }
            // A join: the source says so, a segment was skipped, or a track does not continue exactly.
            var join = segment.discontinuity || skippedBefore
            for k in present {
                if let last = end[k], let current = shift[k], Int64(index.tracks[tracks[k].section.id]![0].decodeTime) + current != last {
                    join = true
                }
            }
            if join {
                var needed: [Int: Int64] = [:]
                for k in present {
                    if let last = end[k] { needed[k] = last - Int64(index.tracks[tracks[k].section.id]![0].decodeTime) }
                }
                if !needed.isEmpty {
                    shiftSeconds = needed.map { Double($0.value) / tracks[$0.key].timescale }.max()!
                    for k in present {
                        var newShift = Int64((shiftSeconds * tracks[k].timescale).rounded())
                        if let need = needed[k] {
                            newShift = max(newShift, need)
                            try Self.lengthenLastSample(of: &tracks[k], by: newShift - need)
                        }
                        shift[k] = newShift
                    }
                }
            }
            skippedBefore = false
            for k in present {
                if shift[k] == nil { shift[k] = Int64((shiftSeconds * tracks[k].timescale).rounded()) }
                let delta = shift[k]!
                let samples = index.tracks[tracks[k].section.id]!
                tracks[k].samples.reserveCapacity(tracks[k].samples.count + samples.count)
                for sample in samples {
                    if needsKeyframe[k] {
                        guard sample.isSync else { continue }
                        needsKeyframe[k] = false
                    }
                    if !sample.isSync { tracks[k].allSync = false }
                    tracks[k].samples.append(
                        Sample(
                            decodeTime: Int64(sample.decodeTime) + delta, offset: sample.offset, duration: sample.duration,
                            size: sample.size, compositionOffset: sample.compositionOffset, isSync: sample.isSync, source: source))
                }
                if let last = samples.last { end[k] = Int64(last.decodeTime) + Int64(last.duration) + delta }
            }
            // Where this segment starts: the earliest presentation of the main track (else any track).
            func earliest(_ k: Int) -> Double {
                let samples = index.tracks[tracks[k].section.id]!
                let ticks = samples.prefix(64).map(\.presentationTime).min()! + shift[k]! - tracks[k].section.presentationShift
                return Double(ticks) / tracks[k].timescale
            }
            let startTrack = present.contains(mainTrack) ? mainTrack : present.first
            if let k = startTrack {
                let start = earliest(k)
                segmentStarts[segmentNumber] = start
                earliestOfAnyTrack[segmentNumber] = present.map(earliest).min()
                for skipped in pendingStarts { segmentStarts[skipped] = start }
                pendingStarts = []
            }
        }
        // A segment whose other tracks are presented before its first keyframe (the AAC priming
        // frame of a stream's first segment) starts, on the playlist's time line, where its
        // EXTINF says: the next segment's start less its duration, no earlier than its earliest
        // sample.
        for segmentNumber in segments where segmentNumber < segments.upperBound {
            let next = recording.segments[segmentNumber + 1]
            guard !next.discontinuity, let start = segmentStarts[segmentNumber], let nextStart = segmentStarts[segmentNumber + 1],
                let earliestAny = earliestOfAnyTrack[segmentNumber]
            else { continue }
            let byDuration = nextStart - recording.segments[segmentNumber].duration
            segmentStarts[segmentNumber] = min(start, max(earliestAny, byDuration))
        }
        // Segments skipped at the end start where the time line ends.
        let endOfLine = tracks.indices.compactMap { k in tracks[k].samples.indices.last.map { tracks[k].endSeconds($0) } }.max() ?? 0
        for skipped in pendingStarts { segmentStarts[skipped] = endOfLine }
    }

    private static func lengthenLastSample(of track: inout Track, by ticks: Int64) throws(ExportError) {
        guard ticks > 0, let last = track.samples.indices.last else { return }
        guard let duration = UInt32(exactly: Int64(track.samples[last].duration) + ticks) else {
            throw ExportError(
                .unreadableRecording, "a gap of \(ticks) ticks in track \(track.section.id) is too long to close in one sample")
        }
        track.samples[last].duration = duration
    }
}
