import Logging
import Playlist
import Segmenter

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One output stream: packets in; init file, segments and the playlist out, on disk.
///
/// Order of writes, each atomic (temp + fsync + rename; a live segment is written into a file
/// made ahead of time that gets its name when complete, see `PreparedFile`; the playlist swaps
/// with a spare, see `OutputDirectory.rewrite`): the init file, then each segment, then the
/// playlist that lists it, then deletions of files that left the playlist long enough ago. A
/// crash at any instant leaves a playlist whose every entry is a complete file. VOD playlists are written once, at
/// the end (a VOD playlist never changes); EVENT and live playlists after every segment.
///
/// Life cycle, for files and for live sources alike:
/// ```
/// let packager = StreamPackager(tracks: …, directory: …, configuration: …, logger: …)
/// try await packager.write(packet)                       // any number of times
/// try await packager.beginDiscontinuity(tracks: new)      // the source reconnected (optional)
/// try await packager.write(packet)                       // timestamps may restart
/// let summary = try await packager.finish()               // last segment + EXT-X-ENDLIST
/// ```
///
/// - Playlist types: `configuration.playlistType` `.event` (segments only appended), `.vod`
///   (written once, complete), nil = sliding live: the last `listSize` segments, and with
///   `HLSFlags.deleteSegments` files that left the window are deleted once their RFC 8216 grace
///   time has passed (see `RetentionPolicy`). Time here is *media time*: the sum of the EXTINF
///   values published by this packager. For a live or `--re` source that is the wall clock; a
///   file read faster than real time ages its segments at the speed it is read. At `finish()`
///   files still inside their grace time stay on disk (a bounded number); a later run with
///   `append_list` deletes them one grace time after it starts.
/// - `append_list`: the playlist already in the directory is read when the first segment is
///   ready and continued: MEDIA-SEQUENCE and file numbers go on, an `#EXT-X-DISCONTINUITY` goes
///   before the first new segment (only when the old playlist has segments), an ended playlist
///   is re-opened, and the old init file is reused only when it is byte-identical to the one
///   these tracks need; otherwise a new one (`init_1.mp4`, `init_2.mp4`, …) is written next to
///   it, never over it.
/// - `EXT-X-TARGETDURATION` is fixed when the first segment is ready (from the keyframe plan
///   when there is one) and is only raised, with a warning, when a source without a plan
///   produces a longer segment.
/// - `EXT-X-PROGRAM-DATE-TIME` (`HLSFlags.programDateTime`) is the wall clock at the first
///   packet plus the segment's media offset, and never goes backwards, across discontinuities
///   and restarts alike.
public actor StreamPackager {
    public struct Summary: Sendable {
        /// Segments this packager wrote (not counting those of an appended playlist).
        public var segmentCount: Int
        /// Seconds of media this packager wrote.
        public var duration: Double
        public var droppedLeadingFrames: Int
        /// Samples (frames) in the segments this packager wrote.
        public var sampleCount: Int
        /// Segments that could not be written, all told (see `Losses`).
        public var losses: Losses
        /// The part of `losses` that no `WriteReport` has told: the last segment's.
        public var unreportedLosses: Losses
        /// Why the last segment could not be written, when it could not (it is in `losses`).
        public var lastSegmentError: PackagerError?
    }

    /// Media lost because segments could not be written (a full disk, an I/O error), since the
    /// packager started. A lost segment is never listed and no file of it is left; the stream
    /// goes on, and the next segment listed starts with `#EXT-X-DISCONTINUITY` (its media time
    /// jumps over the gap; `#EXT-X-PROGRAM-DATE-TIME` stays on the wall clock). What was listed
    /// before is not touched.
    public struct Losses: Sendable, Equatable {
        public var segments = 0
        public var frames = 0
        public var seconds = 0.0

        public init(segments: Int = 0, frames: Int = 0, seconds: Double = 0) {
            self.segments = segments
            self.frames = frames
            self.seconds = seconds
        }

        public var isEmpty: Bool { segments == 0 }

        public mutating func add(_ more: Losses) {
            segments += more.segments
            frames += more.frames
            seconds += more.seconds
        }

        /// What `self` has that `earlier` (a smaller total of the same stream) had not.
        public func since(_ earlier: Losses) -> Losses {
            Losses(segments: segments - earlier.segments, frames: frames - earlier.frames, seconds: seconds - earlier.seconds)
        }
    }

    /// What one `write(contentsOf:)` did.
    public struct WriteReport: Sendable, Equatable {
        /// A packet that completed a segment; that segment was on disk and in the playlist when
        /// the call returned.
        public struct Completion: Sendable, Equatable {
            /// Index into the packets given.
            public var packet: Int
            /// When the playlist listing the segment was in place (swapped in on the file-write
            /// thread; for a VOD or a last segment, when the segment was).
            public var listedAt: ContinuousClock.Instant
        }

        public var completions: [Completion] = []
        /// A segment is waiting for the other tracks to reach its cut (see `Splitter`).
        public var isClosingSegment = false
        /// Segments lost since the previous report (`Losses`).
        public var losses = Losses()
        /// The first write of this call that failed: a segment (lost) or the playlist listing
        /// one (listed by the next playlist). A failure does not end the call: later packets
        /// are still packaged.
        public var writeError: PackagerError?
        /// Whether the last write, in this call or before it, failed; false once one succeeds.
        public var isFailing = false

        public init() {}

        /// Indices (into the packets given) of the packets that completed a segment.
        public var completingPackets: [Int] { completions.map(\.packet) }
    }

    public let configuration: PackagerConfiguration
    let directory: OutputDirectory
    private(set) var tracks: [Track]
    let plan: KeyframePlan?
    let logger: Logger
    let wallClock: @Sendable () -> Int64
    private let fileIO: BlockingFileIO
    /// The next segment's file, made ahead of time when `fileIO` can (see `PreparedFile`).
    private let preparedFile = PreparedFileSlot()
    /// A segment is being written: the actor is suspended in `publish`, and a second caller
    /// must not interleave (see `write(_:)`).
    private var publishing = false
    private var splitter: Splitter
    /// The playlist and the window over it; nil until the first segment is ready.
    var retention: RetentionPolicy?
    /// Renders only the segments added since the last playlist write.
    private var playlistWriter: IncrementalPlaylistWriter
    var state = OutputState()
    private var reportedDroppedFrames = false
    private var finished = false
    private var losses = Losses()
    /// The part of `losses` already in a `WriteReport`.
    private var reportedLosses = Losses()
    /// The first failed write of the current call (see `WriteReport.writeError`).
    private var writeErrorOfCall: PackagerError?
    /// The last write failed (see `WriteReport.isFailing`).
    private var isFailing = false
    /// The archive playlist of the current period (`PackagerConfiguration.archive`).
    var archive: ArchivePeriodPlaylist?
    /// Listed segments whose archive index record could not be appended yet: they go first
    /// with the next segment's.
    private var unindexed: [ArchiveSegment] = []

    /// What has been written so far, besides the playlist.
    struct OutputState {
        /// Sequence (and file) number of the next segment.
        var nextNumber = 0
        /// The init file in force for new segments and its bytes.
        var currentInit: (name: String, bytes: [UInt8])?
        /// Highest `_N` of the init files named so far (0 = the plain name).
        var initGeneration = -1
        /// The next segment starts with `#EXT-X-DISCONTINUITY`.
        var discontinuityPending = false
        /// Seconds of media published by this packager: the clock of the retention policy.
        var mediaClock = 0.0
        /// Segments published by this packager, and the samples in them.
        var segmentCount = 0
        var sampleCount = 0
        /// Frames dropped by earlier splitters (before a discontinuity).
        var droppedFrames = 0
        /// Wall clock (ms) at the first packet of the current splitter.
        var wallClockBase: Int64?
        /// Where the last listed segment ends on the wall clock (ms): the floor of the next date.
        var dateFloor: Int64?
        var dateOffsetMinutes = 0
        /// The init file changed mid-playlist: put SPS/PPS in-band in the next segment.
        var parameterSetsPending = false
        /// The multivariant playlist's figures (with `multivariantPlaylistName`).
        var variant = VariantSummary()
    }

    /// - Parameters:
    ///   - tracks: the tracks of the stream, as the init file describes them.
    ///   - plan: where the source's keyframes are, when it can say (files): fixes
    ///     EXT-X-TARGETDURATION up front.
    ///   - wallClock: milliseconds since the Unix epoch, for `#EXT-X-PROGRAM-DATE-TIME`
    ///     (tests pass a fake clock).
    ///   - fileIO: where segment and playlist writes block (see `BlockingFileIO`).
    public init(
        tracks: [Track], directory: OutputDirectory, configuration: PackagerConfiguration,
        plan: KeyframePlan? = nil, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64 = StreamPackager.systemMilliseconds,
        fileIO: BlockingFileIO = .inline
    ) {
        self.fileIO = fileIO
        self.tracks = tracks
        self.directory = directory
        self.configuration = configuration
        self.plan = plan
        self.logger = logger
        self.wallClock = wallClock
        self.playlistWriter = IncrementalPlaylistWriter(
            options: WriteOptions(roundDurations: configuration.flags.contains(.roundDurations), baseURL: configuration.baseURL))
        // hls_init_time applies to the first playlist window of a fresh stream (FFmpeg ignores
        // it with append_list too).
        var initial: SegmentGrid.InitialSegments?
        if configuration.initTime > 0, !configuration.flags.contains(.appendList) {
            initial = .init(
                duration: configuration.initTime, count: configuration.listSize > 0 ? configuration.listSize : .max)
        }
        self.splitter = Self.makeSplitter(tracks: tracks, configuration: configuration, initial: initial)
        if let settings = configuration.archive {
            archive = ArchivePeriodPlaylist(settings: settings, options: playlistWriter.options)
        }
    }

    /// Seconds of media published so far by this packager.
    public var duration: Double { state.mediaClock }

    /// The playlist as last published (or about to be, for VOD); nil before the first segment.
    public var playlist: MediaPlaylist? { retention?.playlist }

    /// Feeds one packet (any track, decode order within a track). One caller at a time: each
    /// call must return before the next (the actor waits for file writes without blocking).
    /// Throws when a segment the packet completed could not be written (see `Losses`: it is
    /// lost, and a later call goes on with the next segment).
    public func write(_ packet: MediaPacket) async throws {
        writeErrorOfCall = nil
        _ = try await push(packet)
        if let writeErrorOfCall { throw writeErrorOfCall }
    }

    /// Feeds packets in order (live ingest hands over batches); says which completed a segment.
    /// A segment that cannot be written does not stop the batch: it is lost (`Losses`), and
    /// the report says so (`WriteReport.writeError`, `WriteReport.losses`).
    public func write(contentsOf packets: some Collection<MediaPacket> & Sendable) async throws -> WriteReport {
        var report = WriteReport()
        writeErrorOfCall = nil
        for (index, packet) in packets.enumerated() {
            if let listedAt = try await push(packet) {
                report.completions.append(.init(packet: index, listedAt: listedAt))
            }
        }
        report.isClosingSegment = splitter.isClosingSegment
        report.losses = losses.since(reportedLosses)
        reportedLosses = losses
        report.writeError = writeErrorOfCall
        report.isFailing = isFailing
        return report
    }

    /// `write(_:)`; returns when the last segment the packet completed was listed (nil: it
    /// completed none, or could not be written).
    private func push(_ packet: MediaPacket) async throws -> ContinuousClock.Instant? {
        try checkNotPublishing()
        guard !finished else { throw PackagerError(.invalidConfiguration, "write after finish()") }
        if state.wallClockBase == nil { state.wallClockBase = wallClock() }
        var listedAt: ContinuousClock.Instant?
        for segment in try splitter.push(packet) {
            if let listed = await publishRecordingFailure(segment) { listedAt = listed }
        }
        return listedAt
    }

    /// The source stopped and will go on later (an RTMP publisher reconnected, a looped file
    /// starts over): lists what is held as a last segment, and makes the next segment start
    /// with `#EXT-X-DISCONTINUITY`. Timestamps may restart after this. With `tracks` (the new
    /// source's), a codec configuration that differs from the current init file gets a new init
    /// file (`init_1.mp4`, …) and `#EXT-X-MAP`; the same configuration keeps the current one.
    /// The playlist stays open (no ENDLIST); call `finish()` to end it. `continuingTimeline`
    /// (a codec change in one file, whose timestamps go on): the segments' decode times go on
    /// from the earlier ones instead of restarting at 0.
    public func beginDiscontinuity(tracks newTracks: [Track]? = nil, continuingTimeline: Bool = false) async throws {
        try checkNotPublishing()
        guard !finished else { throw PackagerError(.invalidConfiguration, "beginDiscontinuity after finish()") }
        for segment in try splitter.finish() { await publishRecordingFailure(segment) }
        state.droppedFrames += splitter.droppedLeadingFrames
        if let newTracks { tracks = newTracks }
        splitter = Self.makeSplitter(
            tracks: tracks, configuration: configuration, initial: nil, continuing: continuingTimeline ? splitter : nil)
        reportedDroppedFrames = false
        state.wallClockBase = nil
        // Nothing listed yet: nothing to be discontinuous from (an appended playlist already
        // set the flag when it was read).
        if state.segmentCount > 0 { state.discontinuityPending = true }
    }

    /// Ends the stream: the last segment, then the playlist with `EXT-X-ENDLIST` (unless
    /// `omit_endlist`). Files still inside their grace time are left on disk. A last segment
    /// that cannot be written is lost (`Summary.losses`); the playlist is still ended.
    public func finish() async throws -> Summary {
        try checkNotPublishing()
        guard !finished else { throw PackagerError(.invalidConfiguration, "finish() called twice") }
        writeErrorOfCall = nil
        for segment in try splitter.finish() { await publishRecordingFailure(segment, isLast: true) }
        let lastSegmentError = writeErrorOfCall
        finished = true
        fileIO.discardPreparedFile(in: preparedFile)
        guard state.segmentCount > 0, var retention else {
            throw PackagerError(.noMedia, "the input contained no frames to segment")
        }
        if !configuration.flags.contains(.omitEndlist) { retention.end() }
        self.retention = retention
        if let ended = archive?.end() { try await writeArchivePlaylist(ended) }
        try await writePlaylist()
        try directory.removeSpare(of: configuration.playlistName)
        if let name = configuration.multivariantPlaylistName, let text = multivariantPlaylistText(final: true) {
            try await fileIO.run { [directory] () throws(PackagerError) in
                try directory.rewrite(text, to: name)
                try directory.removeSpare(of: name)
            }
        }
        reportDroppedFrames()
        return Summary(
            segmentCount: state.segmentCount, duration: state.mediaClock,
            droppedLeadingFrames: state.droppedFrames + splitter.droppedLeadingFrames, sampleCount: state.sampleCount,
            losses: losses, unreportedLosses: losses.since(reportedLosses), lastSegmentError: lastSegmentError)
    }

    /// The system clock in milliseconds since the Unix epoch.
    @Sendable public static func systemMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    // MARK: Publishing

    /// A segment is being written (see `publishing`).
    var publishingNow: Bool { publishing }

    private func checkNotPublishing() throws(PackagerError) {
        guard !publishing else {
            throw PackagerError(.invalidConfiguration, "called while a segment is being written: one caller at a time")
        }
    }

    /// `publish(_:isLast:)`, keeping its failure (see `WriteReport.writeError`, and `losses`
    /// when the segment was lost) instead of throwing it.
    @discardableResult
    private func publishRecordingFailure(_ segment: Segment, isLast: Bool = false) async -> ContinuousClock.Instant? {
        do {
            let listedAt = try await publish(segment, isLast: isLast)
            isFailing = false
            return listedAt
        } catch let failure as SegmentLost {
            failed(failure.error)
            losses.segments += 1
            losses.frames += segment.tracks.reduce(0) { $0 + $1.samples.count }
            losses.seconds += segment.duration
            // The next segment listed follows a gap in the media.
            if !(retention?.playlist.segments.isEmpty ?? true) { state.discontinuityPending = true }
        } catch {
            failed(error as? PackagerError ?? PackagerError(.writeFailed, "\(error)"))
        }
        return nil
    }

    private func failed(_ error: PackagerError) {
        isFailing = true
        if writeErrorOfCall == nil { writeErrorOfCall = error }
    }

    /// `publish` could not write the segment: nothing of it is listed or left on disk.
    private struct SegmentLost: Error {
        var error: PackagerError
    }

    /// Writes `segment` and lists it. Returns when the playlist listing it was in place
    /// (`WriteReport.Completion.listedAt`); nil when nothing was published. Throws
    /// `SegmentLost` when the segment could not be written; any other error comes after the
    /// segment was written and listed (the playlist's rewrite, a deletion).
    @discardableResult
    private func publish(_ segment: Segment, isLast: Bool = false) async throws -> ContinuousClock.Instant? {
        publishing = true
        defer { publishing = false }
        reportDroppedFrames()
        do {
            if retention == nil { try start(firstSegment: segment) }
            if retention != nil { try useInitFile() }
        } catch {
            throw SegmentLost(error: error as? PackagerError ?? PackagerError(.writeFailed, "\(error)"))
        }
        guard retention != nil, let initFile = state.currentInit else { return nil }
        var segment = segment
        if state.parameterSetsPending {
            segment = segment.withParameterSetsInBand(tracks: tracks)
            state.parameterSetsPending = false
        }

        let number = state.nextNumber
        let name = configuration.segmentFilename.filename(for: number)
        // mfhd numbers start at 1 and rise with the media sequence across the whole stream.
        let fragment = Fragment.bytes(sequenceNumber: UInt32(truncatingIfNeeded: number + 1), tracks: segment.tracks)
        let parts = [fragment.header] + fragment.payloads

        // The segment is listed before it is written, so that one job on the file-write thread
        // writes it and then the playlist: a wait for this actor between the two writes was a
        // second hand-off per segment, on the path of every publish (and a busy server's pool
        // may be slow to run it). A segment that cannot be written is taken back out (`undo`).
        guard let checkpoint = retention?.checkpoint() else { return nil }
        let stateBefore = state
        var entry = MediaSegment(
            uri: name, duration: segment.duration, discontinuity: state.discontinuityPending,
            map: MediaInitializationSection(uri: initFile.name))
        state.discontinuityPending = false
        if configuration.flags.contains(.programDateTime) || archive != nil { entry.programDateTime = date(of: segment) }
        state.mediaClock += segment.duration
        // In place: a local copy of the policy would share the segment list with this one, and
        // the append would copy the whole list, every segment.
        guard let step = retention?.append(entry, now: state.mediaClock), let playlist = retention?.playlist else { return nil }
        let required = playlist.requiredTargetDuration
        if required > playlist.targetDuration {
            // Only reachable when the source could not say where its keyframes are (live input).
            logger.warning(
                "segment \(name) lasts \(segment.duration) s, longer than EXT-X-TARGETDURATION \(playlist.targetDuration); raising it to \(required) (the source's GOP is longer than planned)"
            )
            retention?.setTargetDuration(required)
        }
        // A VOD playlist is written once, at the end; so is the one after the last segment.
        var playlistText: String?
        if configuration.playlistType != .vod, !isLast, let listed = retention?.playlist {
            playlistText = playlistWriter.write(listed)
        }
        var multivariantText: String?
        if configuration.multivariantPlaylistName != nil {
            state.variant.add(bytes: parts.reduce(0) { $0 + $1.count }, seconds: segment.duration, tracks: tracks)
            if playlistText != nil { multivariantText = multivariantPlaylistText(final: false) }
        }

        // The archive lists it in its period's playlist, and the index records it, after the
        // segment is on disk and before the live playlist is rewritten: what the live playlist
        // lists, the archive lists too.
        var archiveWrites: [ArchivePeriodPlaylist.Write] = []
        var archiveUndo: ArchivePeriodPlaylist.Undo?
        var records = unindexed
        if archive != nil, let targetDuration = retention?.playlist.targetDuration {
            let added = archive!.add(entry, sequenceNumber: number, targetDuration: targetDuration)
            archiveWrites = added.writes
            archiveUndo = added.undo
            records.append(
                ArchiveSegment(
                    sequenceNumber: number, uri: name, initURI: initFile.name,
                    date: entry.programDateTime?.millisecondsSinceEpoch ?? 0, duration: segment.duration,
                    size: parts.reduce(0) { $0 + $1.count }, discontinuity: entry.discontinuity, playlist: archive?.name ?? ""))
        }

        let prepared = preparedFile.take(for: name)
        let written: PublishWrites
        do {
            written = try await fileIO.run {
                [
                    directory, playlistName = configuration.playlistName, playlistText, archiveWrites, records,
                    index = configuration.archive?.index, multivariantName = configuration.multivariantPlaylistName,
                    multivariantText
                ] ()
                    throws(PackagerError) in
                try directory.write(parts, to: name, prepared: prepared)
                // The segment is on disk: from here a failure leaves it listed in memory, and
                // the next playlist written lists it.
                let listed = Result { () throws(PackagerError) in
                    for write in archiveWrites {
                        try directory.rewrite(write.text, to: write.name)
                        if write.isFinal { try directory.removeSpare(of: write.name) }
                    }
                    if let playlistText { try directory.rewrite(playlistText, to: playlistName) }
                    if let multivariantName, let multivariantText { try directory.rewrite(multivariantText, to: multivariantName) }
                    return ContinuousClock.now
                }
                var indexed = 0
                var indexError: PackagerError?
                if case .success = listed, let index {
                    do throws(PackagerError) {
                        for record in records {
                            try index.append(record)
                            indexed += 1
                        }
                    } catch {
                        indexError = error
                    }
                }
                return PublishWrites(listed: listed, indexed: indexed, indexError: indexError)
            }
        } catch {
            undo(to: checkpoint, state: stateBefore)
            if let archiveUndo { archive?.undo(archiveUndo) }
            throw SegmentLost(error: error)
        }
        unindexed = configuration.archive?.index == nil ? [] : Array(records.dropFirst(written.indexed))
        let playlistWritten = written.listed
        state.nextNumber += 1
        if !isLast {
            fileIO.prepareFile(
                named: configuration.segmentFilename.filename(for: state.nextNumber), in: directory, into: preparedFile)
        }
        state.segmentCount += 1
        state.sampleCount += segment.tracks.reduce(0) { $0 + $1.samples.count }
        let listedAt = try playlistWritten.get()
        try delete(step.deletableFiles)
        if let indexError = written.indexError {
            logger.warning("the archive index could not record \(unindexed.count) segment(s) (tried again with the next): \(indexError)")
            throw indexError
        }
        return listedAt
    }

    /// What the file-write thread did after the segment was on disk.
    private struct PublishWrites: Sendable {
        /// The playlists listing it: when they were in place, or why not.
        var listed: Result<ContinuousClock.Instant, PackagerError>
        /// Archive index records appended (the first ones of those handed over).
        var indexed: Int
        var indexError: PackagerError?
    }

    /// The segment listed last could not be written: the playlist and the state go back to
    /// before it, as if it had never been cut (its frames are lost; the stream goes on).
    private func undo(to checkpoint: RetentionPolicy.Checkpoint, state before: OutputState) {
        retention?.restore(checkpoint)
        state = before
    }

    /// `#EXT-X-PROGRAM-DATE-TIME` of `segment`: wall clock at the splitter's first packet plus
    /// the segment's media offset, never before the end of the previous segment.
    private func date(of segment: Segment) -> ProgramDateTime {
        let base = state.wallClockBase ?? wallClock()
        var millis = base + Int64((segment.startTime * 1000).rounded())
        if let floor = state.dateFloor, millis < floor { millis = floor }
        state.dateFloor = millis + Int64((segment.duration * 1000).rounded())
        return ProgramDateTime(millisecondsSinceEpoch: millis, utcOffsetMinutes: state.dateOffsetMinutes)
    }

    func writeArchivePlaylist(_ write: ArchivePeriodPlaylist.Write) async throws {
        try await fileIO.run { [directory] () throws(PackagerError) in
            try directory.rewrite(write.text, to: write.name)
            if write.isFinal { try directory.removeSpare(of: write.name) }
        }
    }

    /// The multivariant playlist's text when it is due (`VariantSummary`).
    private func multivariantPlaylistText(final: Bool) -> String? {
        state.variant.textToWrite(
            uri: configuration.playlistName, independentSegments: configuration.flags.contains(.independentSegments), final: final)
    }

    func writePlaylist() async throws {
        guard let playlist = retention?.playlist else { return }
        let text = playlistWriter.write(playlist)
        try await fileIO.run { [directory, name = configuration.playlistName] () throws(PackagerError) in
            try directory.rewrite(text, to: name)
        }
    }

    private func delete(_ files: [String]) throws {
        for file in files where file != state.currentInit?.name {
            try directory.remove(file)
        }
    }

    /// Writes the init file these tracks need, unless the one in force is byte-identical.
    private func useInitFile() throws {
        let bytes = InitSegment.bytes(tracks: tracks)
        if let current = state.currentInit, current.bytes == bytes { return }
        // A new name that no file and no listed segment uses: the old init is never touched.
        let listed = Set(retention?.playlist.segments.compactMap { $0.map?.uri } ?? [])
        var generation = state.initGeneration + 1
        while true {
            let name = configuration.initFilename(generation: generation)
            if state.initGeneration < 0 && generation == 0 { break }  // a fresh stream overwrites its init
            if !listed.contains(name) && !directory.fileExists(name) { break }
            generation += 1
        }
        let name = configuration.initFilename(generation: generation)
        try directory.write([bytes], to: name)
        if !(retention?.playlist.segments.isEmpty ?? true) { state.parameterSetsPending = true }
        state.initGeneration = generation
        state.currentInit = (name, bytes)
    }

    private static func makeSplitter(
        tracks: [Track], configuration: PackagerConfiguration, initial: SegmentGrid.InitialSegments?, continuing: Splitter? = nil
    ) -> Splitter {
        Splitter(
            tracks: tracks,
            configuration: .init(
                targetDuration: configuration.hlsTime, splitByTime: configuration.flags.contains(.splitByTime),
                initialSegments: initial),
            continuing: continuing)
    }

    var splitterStart: Double? { splitter.start }
    var splitterConfiguration: Splitter.Configuration { splitter.configuration }

    private func reportDroppedFrames() {
        guard !reportedDroppedFrames, splitter.droppedLeadingFrames > 0, splitter.start != nil else { return }
        reportedDroppedFrames = true
        logger.warning(
            "dropped \(splitter.droppedLeadingFrames) video frame(s) before the first keyframe: a segment must start with one")
    }
}
