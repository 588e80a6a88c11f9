import Logging
import Segmenter

/// Turns an `ExportRequest` on an `HLSRecording` into the files to write.
///
/// ```
/// START, END (any ExportTime)  ──▶ seconds on the playlist's time line (EXTINF sums)
/// segments START…END           ──▶ runs of one codec configuration (a change starts a new file)
/// each run                     ──▶ ExportTimeline: samples per track, joins closed
///                              ──▶ selection: from the keyframe at or before START, to END
///                              ──▶ split at keyframes by maxDuration / maxSize
///                              ──▶ ExportFile: ProgressiveMovie header + segment byte ranges
/// ```
/// Only the segments of the range are indexed (plus earlier ones of the same configuration
/// when the first holds no keyframe at or before START), through `cache`.
public struct ExportPlanner: Sendable {
    public var cache: SegmentIndexCache
    public var logger: Logger

    /// How many segments before START are searched for a keyframe: a GOP longer than this
    /// many segments is not one a recorder writes, and the search must stay cheap.
    public static let maxKeyframeLookback = 16

    public init(cache: SegmentIndexCache = SegmentIndexCache(), logger: Logger = Logger(label: "hlsseg.export")) {
        self.cache = cache
        self.logger = logger
    }

    public func plan(_ request: ExportRequest, from recording: HLSRecording) throws(ExportError) -> [ExportFile] {
        try Self.validate(request)
        let total = recording.duration
        guard !recording.segments.isEmpty, total > 0 else {
            throw ExportError(.outsideRecording, "\(recording.playlistPath) lists no segments")
        }
        var start = try request.start.map(recording.seconds(for:)) ?? 0
        var end = try request.end.map(recording.seconds(for:)) ?? request.duration.map { start + $0 } ?? total
        guard start < total, end > 0 else {
            throw ExportError(
                .outsideRecording,
                "the range \(Self.text(start))–\(Self.text(end)) s lies outside the recording, which spans 0–\(Self.text(total)) s")
        }
        guard end > start else {
            throw ExportError(.outsideRecording, "END (\(Self.text(end)) s) is not after START (\(Self.text(start)) s)")
        }
        start = max(0, start)
        end = min(end, total)
        let first = recording.segmentIndex(at: start)
        var last = recording.segmentIndex(at: end)
        if last > first, recording.segments[last].start >= end { last -= 1 }

        // Runs of one configuration inside first…last.
        var runs: [ClosedRange<Int>] = []
        var runStart = first
        let inits = InitSectionLookup(cache: cache)
        for index in (first + 1)..<(last + 1) where try inits.changes(recording, at: index) {
            runs.append(runStart...(index - 1))
            runStart = index
        }
        runs.append(runStart...last)

        var files: [ExportFile] = []
        for (number, run) in runs.enumerated() {
            let isFirst = number == 0
            let isLast = number == runs.count - 1
            // START at the recording's start selects from its first sample on, also those
            // presented before the first keyframe (an AAC priming frame), as a START of nil does.
            files += try planRun(
                recording, run, start: isFirst && start > 0 ? start : nil, end: isLast && end < total ? end : nil, request: request,
                inits: inits)
        }
        return files
    }

    /// One run of one configuration: START and END in playlist seconds (nil: the run's own
    /// start or end).
    private func planRun(
        _ recording: HLSRecording, _ run: ClosedRange<Int>, start: Double?, end: Double?, request: ExportRequest,
        inits: InitSectionLookup
    ) throws(ExportError) -> [ExportFile] {
        let section = try inits.section(at: recording.segments[run.lowerBound].initPath)
        // One segment before START too (when it is there): the audio frame covering the first
        // keyframe of a segment usually starts in the segment before.
        var lowest = run.lowerBound
        if start != nil, lowest > 0, !recording.segments[lowest].discontinuity,
            ReadableFile.identity(of: recording.segments[lowest - 1].path) != nil,
            try inits.configuration(recording, lowest - 1) == section.configuration
        {
            lowest -= 1
        }
        while true {
            let timeline = try ExportTimeline(
                recording: recording, segments: lowest...run.upperBound, section: section, cache: cache, inits: inits,
                strict: request.strict,
                logger: logger)
            let startOnLine = start.map { seconds in
                let segment = recording.segments[run.lowerBound]
                return (timeline.segmentStarts[run.lowerBound] ?? 0) + (seconds - segment.start)
            }
            let endOnLine = end.flatMap { seconds -> Double? in
                let index = min(recording.segmentIndex(at: seconds), run.upperBound)
                return timeline.segmentStarts[index].map { $0 + (seconds - recording.segments[index].start) }
            }
            var selection = ExportSelection(timeline: timeline, start: startOnLine, end: endOnLine)
            if selection.startsAfterStart, lowest > 0, run.lowerBound - lowest < Self.maxKeyframeLookback,
                try inits.configuration(recording, lowest - 1) == section.configuration
            {
                lowest -= 1
                continue
            }
            try selection.select()
            let parts = try selection.split(
                maxDuration: request.maxDuration, maxSize: request.maxSize, chunkDuration: request.chunkDuration)
            var files: [ExportFile] = []
            for part in parts {
                files.append(
                    try selection.file(
                        for: part, chunkDuration: request.chunkDuration,
                        recordingStart: recordingStart(
                            recording, run, timeline, part.start)))
            }
            return files
        }
    }

    /// Seconds from the start of the recording of a point on the run's time line.
    private func recordingStart(_ recording: HLSRecording, _ run: ClosedRange<Int>, _ timeline: ExportTimeline, _ seconds: Double) -> Double
    {
        var best = recording.segments[run.lowerBound].start
        for index in run {
            guard let start = timeline.segmentStarts[index], start <= seconds + 1e-9 else { continue }
            best = recording.segments[index].start + (seconds - start)
        }
        return best
    }

    private static func validate(_ request: ExportRequest) throws(ExportError) {
        if let duration = request.duration, !(duration > 0 && duration.isFinite) {
            throw ExportError(.invalidTime, "the duration must be a positive number of seconds")
        }
        if let maxDuration = request.maxDuration, !(maxDuration > 0 && maxDuration.isFinite) {
            throw ExportError(.invalidTime, "the maximum duration must be a positive number of seconds")
        }
        if let maxSize = request.maxSize, maxSize == 0 {
            throw ExportError(.invalidTime, "the maximum size must be a positive number of bytes")
        }
        guard request.chunkDuration > 0, request.chunkDuration.isFinite else {
            throw ExportError(.invalidTime, "the chunk duration must be a positive number of seconds")
        }
    }

    static func text(_ seconds: Double) -> String {
        let millis = (seconds * 1000).rounded() / 1000
        return millis == millis.rounded() ? String(Int(millis)) : String(millis)
    }
}
