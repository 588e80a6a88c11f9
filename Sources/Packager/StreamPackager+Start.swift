import Playlist
import Segmenter

/// The first segment is ready: set up the playlist, fresh or continuing the one on disk.
extension StreamPackager {
    /// How far back from its end a resumed playlist's segments are checked on disk: a power cut
    /// loses at most what was written since the last sync (`FileSync.periodic`: about a
    /// second, longer while the disk stalls). Older damage is not a power cut's, so it is not
    /// repaired by dropping everything after it.
    static let mediaCheckedOnResume = 60.0

    func start(firstSegment: Segment) throws {
        try refuseSymbolicLinks()
        // Before the temporary files go: the playlist's spare is the fallback for a playlist
        // that a power cut left unreadable.
        let existing = configuration.flags.contains(.appendList) ? try readExistingPlaylist() : nil
        // One listing of the folder serves the clean-up and the archive's resumption.
        let fileNames = try directory.fileNames()
        try removeStaleTemporaryFiles(in: fileNames)
        let planned = plannedTargetDuration(firstSegment: firstSegment)
        var playlist = MediaPlaylist(
            targetDuration: planned, mediaSequence: configuration.startNumber,
            playlistType: configuration.playlistType)
        var orphans: [MediaSegment] = []
        state.nextNumber = configuration.startNumber
        if let existing {
            let old = droppingLostSegments(of: existing)
            playlist = old
            playlist.playlistType = configuration.playlistType
            playlist.endList = false  // an ended EVENT playlist is re-opened
            if old.targetDuration < planned {
                logger.warning(
                    "EXT-X-TARGETDURATION of the existing playlist is \(old.targetDuration) s; the new segments need \(planned) s, so it is raised"
                )
            }
            playlist.targetDuration = max(old.targetDuration, planned)
            state.nextNumber = old.mediaSequence + old.segments.count
            state.discontinuityPending = !old.segments.isEmpty
            if let last = old.segments.last, let date = last.programDateTime {
                state.dateFloor = date.millisecondsSinceEpoch + Int64((last.duration * 1000).rounded())
                state.dateOffsetMinutes = date.utcOffsetMinutes
            }
            try adoptInitFile(of: old)
            orphans = leftoverSegments(before: old.mediaSequence, in: fileNames)
        }
        if configuration.flags.contains(.discontStart), playlist.segments.isEmpty {
            state.discontinuityPending = true
        }
        playlist.independentSegments = configuration.flags.contains(.independentSegments)
        if playlist.independentSegments, configuration.flags.contains(.splitByTime) {
            logger.warning("independent_segments is not written with split_by_time: segments may start between keyframes")
            playlist.independentSegments = false
        }
        var retention = RetentionPolicy(
            configuration: .init(
                listSize: configuration.listSize, deleteSegments: configuration.flags.contains(.deleteSegments),
                deleteThreshold: configuration.deleteThreshold),
            playlist: playlist)
        // Files an earlier run removed from the playlist but had not yet deleted: their grace
        // time may not be over, so they get one more (a target duration plus the playlist's).
        let grace = Double(playlist.targetDuration) + playlist.duration
        retention.scheduleDeletion(of: orphans, deletableAt: grace)
        self.retention = retention
        try resumeArchive(fileNames: fileNames)
    }

    private func readExistingPlaylist() throws -> MediaPlaylist? {
        let name = configuration.playlistName
        guard let bytes = try directory.read(name) else { return nil }
        do {
            return try PlaylistParser.parseMedia(String(decoding: bytes, as: UTF8.self))
        } catch {
            // The spare holds the version before (see `OutputDirectory.rewrite`).
            let spareName = OutputDirectory.temporaryName(of: name)
            if let spare = try directory.read(spareName),
                let previous = try? PlaylistParser.parseMedia(String(decoding: spare, as: UTF8.self))
            {
                logger.warning(
                    "append_list: '\(directory.filePath(name))' cannot be read (\(error)); continuing the version before it, '\(spareName)'"
                )
                return previous
            }
            throw PackagerError(
                .invalidConfiguration,
                "append_list: cannot continue '\(directory.filePath(name))': \(error); move it away or drop append_list")
        }
    }

    /// `old` without its newest segments from the first one whose file is not whole on disk
    /// (`OutputDirectory.holdsCompleteSegment`), looking back `mediaCheckedOnResume` seconds:
    /// after a power cut a playlist can list files that never reached the disk. The numbers
    /// of the dropped segments are used again by the new ones, which replace their files.
    private func droppingLostSegments(of old: MediaPlaylist) -> MediaPlaylist {
        var firstLost: Int?
        var checked = 0.0
        for index in old.segments.indices.reversed() {
            let segment = old.segments[index]
            if let name = fileName(listedAs: segment.uri), !directory.holdsCompleteSegment(name) { firstLost = index }
            checked += segment.duration
            if checked >= Self.mediaCheckedOnResume { break }
        }
        guard let firstLost else { return old }
        var kept = old
        let lost = kept.segments[firstLost...].map(\.uri)
        kept.segments.removeSubrange(firstLost...)
        logger.warning(
            "append_list: \(lost.count) listed segment(s) at the end of '\(directory.filePath(configuration.playlistName))' are missing or incomplete (a power cut before they reached the disk?) and are dropped: \(lost.joined(separator: ", "))"
        )
        return kept
    }

    /// The file in this directory that a playlist URI names, nil when it is not one of ours
    /// (another folder or server).
    private func fileName(listedAs uri: String) -> String? {
        var name = Substring(uri)
        if !configuration.baseURL.isEmpty, name.hasPrefix(configuration.baseURL) { name = name.dropFirst(configuration.baseURL.count) }
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return String(name)
    }

    /// Keeps the old playlist's last init file in force when it is exactly what these tracks
    /// need, and numbers new init files after every init name the old playlist uses.
    private func adoptInitFile(of old: MediaPlaylist) throws {
        var highest = -1
        for uri in Set(old.segments.compactMap { $0.map?.uri }) {
            for generation in 0...1000 where configuration.initFilename(generation: generation) == uri {
                highest = max(highest, generation)
                break
            }
        }
        // Even when the old init is not ours (another name), a new one must not overwrite a file.
        state.initGeneration = max(highest, 0)
        guard let lastMap = old.segments.last?.map, lastMap.byteRange == nil,
            let bytes = try directory.read(lastMap.uri)
        else { return }
        if bytes == InitSegment.bytes(tracks: tracks) {
            state.currentInit = (lastMap.uri, bytes)
        }
    }

    /// Segment files of an earlier run numbered below the playlist's first entry.
    private func leftoverSegments(before mediaSequence: Int, in fileNames: [String]) -> [MediaSegment] {
        guard configuration.flags.contains(.deleteSegments) else { return [] }
        return
            fileNames
            .compactMap { name in configuration.segmentFilename.number(in: name).map { (name, $0) } }
            .filter { $0.1 < mediaSequence }
            .sorted { $0.1 < $1.1 }
            .map { MediaSegment(uri: $0.0, duration: 0) }
    }

    /// Temporary files a crash left behind, and the playlist spare of a run that did not
    /// finish (see `OutputDirectory.temporaryName(of:)`), for names this stream writes.
    private func removeStaleTemporaryFiles(in fileNames: [String]) throws {
        for name in fileNames {
            guard let target = OutputDirectory.name(ofTemporary: name), writes(target) else { continue }
            try directory.remove(name)
        }
    }

    /// Refuses to start when a name this stream writes (or its temporary name) is a symbolic
    /// link: the writes would refuse it one by one later, after some of the stream was listed.
    private func refuseSymbolicLinks() throws {
        let links = try directory.symbolicLinks().filter { writes(OutputDirectory.name(ofTemporary: $0) ?? $0) }
        if let first = links.sorted().first { throw OutputDirectory.symbolicLinkError(directory.filePath(first)) }
    }

    /// Whether this stream writes a file named `name`: its playlist, a segment, an init file.
    private func writes(_ name: String) -> Bool {
        name == configuration.playlistName || name == configuration.multivariantPlaylistName
            || configuration.segmentFilename.number(in: name) != nil
            || (0...1000).contains { configuration.initFilename(generation: $0) == name }
    }

    /// EXT-X-TARGETDURATION must never change and never be below a rounded EXTINF (RFC 8216
    /// §4.3.3.1). With a keyframe plan the durations of all segments are known now; without
    /// one (live input) hls_time, or the first segment if it is already longer, is the best guess.
    private func plannedTargetDuration(firstSegment: Segment) -> Int {
        var durations = [firstSegment.duration]
        if let plan, let origin = splitterStart, !configuration.flags.contains(.splitByTime) {
            let end = plan.endTime ?? plan.keyframeTimes.max() ?? origin
            durations += splitterConfiguration.grid.plannedDurations(
                keyframeTimes: plan.keyframeTimes.map { $0 - origin }, endTime: end - origin)
        } else {
            durations.append(configuration.hlsTime.rounded(.up))
        }
        let planned = MediaPlaylist(targetDuration: 0, segments: durations.map { MediaSegment(uri: "", duration: $0) })
        return max(1, planned.requiredTargetDuration)
    }
}
