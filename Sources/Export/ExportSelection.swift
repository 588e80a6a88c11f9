import Segmenter

/// The samples of an `ExportTimeline` between START and END, and their split into files.
///
/// - Start: the main track's sync sample at or before START (a keyframe; for audio only, the
///   audio frame at or before START). Every other track starts at the same instant: an audio
///   track with the frame that covers it, a second video track with its keyframe at or before
///   it. Each file's edit list starts presentation at START exactly.
/// - End: the samples presented before END, in decode order up to the last of them, so the
///   frames they depend on come along; the edit list ends presentation at END.
/// - Split (`maxDuration`, `maxSize`): every file starts on a main-track keyframe; the other
///   tracks are cut at the same instant (an audio frame that covers the cut starts the next
///   file, as at START), so the files together hold every selected sample exactly once.
struct ExportSelection {
    struct Part {
        /// Per track: the sample indices in this file (empty: the track is left out).
        var ranges: [Range<Int>]
        /// Seconds on the time line where presentation starts.
        var start: Double
        /// Seconds on the time line where presentation ends, when END cuts it.
        var end: Double?
    }

    let timeline: ExportTimeline
    let start: Double?
    let end: Double?
    private(set) var ranges: [Range<Int>] = []
    private(set) var presentationStart = 0.0

    init(timeline: ExportTimeline, start: Double?, end: Double?) {
        self.timeline = timeline
        self.start = start
        self.end = end
    }

    private static let epsilon = 1e-9

    private var main: ExportTimeline.Track { timeline.tracks[timeline.mainTrack] }

    /// The last main-track sync sample presented at or before `start`.
    private var keyframeAtOrBeforeStart: Int? {
        guard let start else { return main.samples.firstIndex(where: \.isSync) }
        var found: Int?
        for index in main.samples.indices where main.samples[index].isSync {
            if main.presentationSeconds(index) <= start + Self.epsilon { found = index } else if found != nil { break }
        }
        return found
    }

    /// True when START lies before the first keyframe of the time line: the segments before
    /// should be searched too.
    var startsAfterStart: Bool { start != nil && keyframeAtOrBeforeStart == nil }

    /// Chooses every track's samples. `.noKeyframe` when the main track has no sync sample
    /// before END.
    mutating func select() throws(ExportError) {
        let endLimit = end ?? .infinity
        var key = keyframeAtOrBeforeStart
        if key == nil {
            // START before the first keyframe (none earlier in the recording): start on the first one.
            key = main.samples.indices.first { main.samples[$0].isSync && main.presentationSeconds($0) < endLimit }
        }
        guard let key else {
            throw ExportError(
                .noKeyframe,
                main.section.isVideo
                    ? "the selected stretch holds no video keyframe: nothing can be decoded from it"
                    : "the selected stretch holds no samples")
        }
        let cut = main.presentationSeconds(key)
        presentationStart = max(start ?? cut, cut)
        ranges = timeline.tracks.indices.map { k in
            let track = timeline.tracks[k]
            let first: Int?
            if k == timeline.mainTrack {
                first = key
            } else if start == nil {
                // From the start of the recording: every sample, also those presented before the
                // first keyframe (an AAC priming frame); the edit list hides them as the source's did.
                first = track.samples.isEmpty ? nil : 0
            } else if track.allSync {
                first = track.samples.indices.first { track.endSeconds($0) > cut + Self.epsilon }
            } else {
                first =
                    track.samples.indices.last { track.samples[$0].isSync && track.presentationSeconds($0) <= cut + Self.epsilon }
                    ?? track.samples.indices.first { track.samples[$0].isSync }
            }
            guard let first else { return 0..<0 }
            var afterLast = first
            for index in first..<track.samples.count where track.presentationSeconds(index) < endLimit - Self.epsilon {
                afterLast = index + 1
            }
            return first..<afterLast
        }
    }

    /// Splits the selection at main-track keyframes so every part stays within the limits.
    func split(maxDuration: Double?, maxSize: UInt64?, chunkDuration: Double) throws(ExportError) -> [Part] {
        let whole = Part(ranges: ranges, start: presentationStart, end: end)
        guard maxDuration != nil || maxSize != nil else { return [whole] }
        var parts: [Part] = []
        var current = ranges.map(\.lowerBound)
        var partStart = presentationStart
        let mainRange = ranges[timeline.mainTrack]
        // Candidate cuts: main-track keyframes after the first, in decode order.
        let candidates = mainRange.dropFirst().filter { main.samples[$0].isSync }
        var candidateIndex = 0
        for _ in 0...candidates.count {
            let rest = Part(ranges: zip(current, ranges).map { $0..<$1.upperBound }, start: partStart, end: end)
            if fits(rest, maxDuration: maxDuration, maxSize: maxSize, chunkDuration: chunkDuration) {
                parts.append(rest)
                return parts
            }
            var best: (part: Part, next: [Int], candidate: Int)?
            while candidateIndex < candidates.count {
                let cutIndex = candidates[candidates.startIndex + candidateIndex]
                let cut = main.presentationSeconds(cutIndex)
                let next = timeline.tracks.indices.map { k in
                    if k == timeline.mainTrack { return cutIndex }
                    let track = timeline.tracks[k]
                    // An audio frame goes where it is presented first: the one covering the cut starts the next part.
                    return (current[k]..<ranges[k].upperBound).first {
                        track.allSync ? track.endSeconds($0) > cut + Self.epsilon : track.presentationSeconds($0) >= cut - Self.epsilon
                    } ?? ranges[k].upperBound
                }
                let part = Part(ranges: zip(current, next).map { $0..<$1 }, start: partStart, end: nil)
                guard cut > partStart + Self.epsilon, fits(part, maxDuration: maxDuration, maxSize: maxSize, chunkDuration: chunkDuration)
                else {
                    if cut <= partStart + Self.epsilon {
                        candidateIndex += 1
                        continue
                    }
                    break
                }
                best = (part, next, candidateIndex)
                candidateIndex += 1
            }
            guard let best else {
                throw ExportError(
                    .limitTooSmall,
                    "the limit (\(limitText(maxDuration: maxDuration, maxSize: maxSize))) is smaller than the stretch from the keyframe at "
                        + "\(ExportPlanner.text(partStart)) s to the next one: raise it")
            }
            parts.append(best.part)
            current = best.next
            partStart = main.presentationSeconds(best.next[timeline.mainTrack])
            candidateIndex = best.candidate + 1
        }
        return parts
    }

    private func limitText(maxDuration: Double?, maxSize: UInt64?) -> String {
        [maxDuration.map { "\(ExportPlanner.text($0)) s" }, maxSize.map { "\($0) bytes" }].compactMap { $0 }.joined(separator: ", ")
    }

    /// Seconds presented by `part`: from its start to the end of its last presentation (or END).
    func duration(of part: Part) -> Double {
        var last = part.start
        for (k, range) in part.ranges.enumerated() where !range.isEmpty {
            let track = timeline.tracks[k]
            // The latest presentation end lies among the last samples in decode order (B-frame reordering is local).
            for index in range.suffix(64) { last = max(last, track.endSeconds(index)) }
        }
        if let end = part.end { last = min(last, end) }
        return last - part.start
    }

    private func fits(_ part: Part, maxDuration: Double?, maxSize: UInt64?, chunkDuration: Double) -> Bool {
        if let maxDuration, duration(of: part) > maxDuration + 1e-6 { return false }
        if let maxSize {
            let used = part.ranges.enumerated().filter { !$0.element.isEmpty }
            let header = ProgressiveMovie.headerSizeUpperBound(
                templates: used.map { timeline.tracks[$0.offset].section.box }, sampleCounts: used.map(\.element.count),
                chunkDuration: chunkDuration)
            var size = UInt64(header)
            for (k, range) in used {
                for index in range { size += UInt64(timeline.tracks[k].samples[index].size) }
                if size > maxSize { return false }
            }
        }
        return true
    }
}
