import Logging
import Playlist
import Segmenter

/// One output stream: packets in; `init.mp4`, segments and the playlist out, on disk.
///
/// Order of writes, each atomic (temp + fsync + rename): the init file, then each segment,
/// then the playlist that lists it. A crash at any instant leaves a playlist whose every entry
/// is a complete file. VOD playlists are written once, at the end (a VOD playlist never changes);
/// EVENT and live playlists after every segment.
public actor StreamPackager {
    public struct Summary: Sendable {
        public var segmentCount: Int
        public var duration: Double
        public var droppedLeadingFrames: Int
    }

    public let configuration: PackagerConfiguration
    private let directory: OutputDirectory
    private let tracks: [Track]
    private let plan: KeyframePlan?
    private let logger: Logger
    private var splitter: Splitter
    private var playlist: MediaPlaylist
    private var initWritten = false
    private var reportedDroppedFrames = false

    public init(
        tracks: [Track], directory: OutputDirectory, configuration: PackagerConfiguration,
        plan: KeyframePlan? = nil, logger: Logger
    ) {
        self.tracks = tracks
        self.directory = directory
        self.configuration = configuration
        self.plan = plan
        self.logger = logger
        self.splitter = Splitter(tracks: tracks, configuration: .init(targetDuration: configuration.hlsTime))
        self.playlist = MediaPlaylist(
            targetDuration: 0, mediaSequence: configuration.startNumber, playlistType: configuration.playlistType)
    }

    /// Seconds of media listed so far.
    public var duration: Double { playlist.duration }

    public func write(_ packet: MediaPacket) throws {
        for segment in try splitter.push(packet) { try publish(segment) }
    }

    /// Ends the stream: the last segment, then the playlist with `EXT-X-ENDLIST`.
    public func finish() throws -> Summary {
        for segment in try splitter.finish() { try publish(segment, isLast: true) }
        guard !playlist.segments.isEmpty else {
            throw PackagerError(.noMedia, "the input contained no frames to segment")
        }
        playlist.endList = true
        try writePlaylist()
        reportDroppedFrames()
        return Summary(
            segmentCount: playlist.segments.count, duration: playlist.duration,
            droppedLeadingFrames: splitter.droppedLeadingFrames)
    }

    private func publish(_ segment: Segment, isLast: Bool = false) throws {
        reportDroppedFrames()
        if !initWritten {
            try directory.write([InitSegment.bytes(tracks: tracks)], to: configuration.initFilename)
            initWritten = true
            playlist.targetDuration = plannedTargetDuration(firstSegment: segment)
        }
        let number = configuration.startNumber + segment.index
        let name = configuration.segmentFilename.filename(for: number)
        // mfhd numbers start at 1 and rise with the media sequence across the whole stream.
        let fragment = Fragment.bytes(sequenceNumber: UInt32(truncatingIfNeeded: number + 1), tracks: segment.tracks)
        try directory.write([fragment.header] + fragment.payloads, to: name)

        let entry = MediaSegment(
            uri: name, duration: segment.duration, map: MediaInitializationSection(uri: configuration.initFilename))
        playlist.segments.append(entry)
        let required = playlist.requiredTargetDuration
        if required > playlist.targetDuration {
            // Only reachable when the source could not say where its keyframes are (live input).
            logger.warning(
                "segment \(name) lasts \(segment.duration) s, longer than EXT-X-TARGETDURATION \(playlist.targetDuration); raising it to \(required) (the source's GOP is longer than planned)")
            playlist.targetDuration = required
        }
        if configuration.playlistType != .vod && !isLast {
            try writePlaylist()
        }
    }

    private func writePlaylist() throws {
        try directory.write(PlaylistWriter.write(playlist), to: configuration.playlistName)
        try directory.syncDirectory()
    }

    /// EXT-X-TARGETDURATION must never change and never be below a rounded EXTINF (RFC 8216
    /// §4.3.3.1). With a keyframe plan the durations of all segments are known now; without
    /// one (live input) hls_time, or the first segment if it is already longer, is the best guess.
    private func plannedTargetDuration(firstSegment: Segment) -> Int {
        var durations = [firstSegment.duration]
        if let plan, let origin = splitter.start {
            let grid = SegmentGrid(targetDuration: configuration.hlsTime)
            let end = plan.endTime ?? plan.keyframeTimes.max() ?? origin
            durations += grid.plannedDurations(
                keyframeTimes: plan.keyframeTimes.map { $0 - origin }, endTime: end - origin)
        } else {
            durations.append(configuration.hlsTime.rounded(.up))
        }
        let planned = MediaPlaylist(targetDuration: 0, segments: durations.map { MediaSegment(uri: "", duration: $0) })
        return max(1, planned.requiredTargetDuration)
    }

    private func reportDroppedFrames() {
        guard !reportedDroppedFrames, splitter.droppedLeadingFrames > 0, splitter.start != nil else { return }
        reportedDroppedFrames = true
        logger.warning(
            "dropped \(splitter.droppedLeadingFrames) video frame(s) before the first keyframe: a segment must start with one")
    }
}
