import Playlist

/// A stream kept as an archive (`PackagerConfiguration.archive`): the archive playlists a run
/// finds on disk, and retention taking segments out of the playlists.
extension StreamPackager {
    /// The newest archive playlist in `directory` (names sort by date), parsed; nil when there
    /// is none or it cannot be read.
    /// `fileNames`: the folder's listing when the caller already has one (listing a folder of a
    /// month of segments is not free).
    static func newestArchivePlaylist(
        in directory: OutputDirectory, fileNames: [String]? = nil
    ) throws(PackagerError) -> (name: String, playlist: MediaPlaylist)? {
        let names: [String]
        if let fileNames { names = fileNames } else { names = try directory.fileNames() }
        guard let name = names.filter(ArchivePeriodPlaylist.isArchivePlaylist).max(),
            let bytes = try directory.read(name),
            let playlist = try? PlaylistParser.parseMedia(String(decoding: bytes, as: UTF8.self))
        else { return nil }
        return (name, playlist)
    }

    /// At the first segment: an archive playlist an earlier run left open is continued (same
    /// period) or ended (see `ArchivePeriodPlaylist.leftOpen`), and numbering goes on after
    /// the newest archived segment even when the live playlist is gone, so that no file an
    /// archive playlist lists is ever written over.
    func resumeArchive(fileNames: [String]) throws {
        guard archive != nil, let newest = try Self.newestArchivePlaylist(in: directory, fileNames: fileNames) else { return }
        let next = newest.playlist.mediaSequence + newest.playlist.segments.count
        if next > state.nextNumber, let policy = retention {
            // The live playlist is gone or behind (a power cut): it starts again after the
            // archive, so that its positions stay the files' numbers.
            if !policy.playlist.segments.isEmpty {
                logger.warning(
                    "archive playlist \(newest.name) lists segments up to \(next - 1), past the live playlist; the live playlist starts again from \(next)"
                )
            }
            state.nextNumber = next
            var playlist = policy.playlist
            playlist.segments = []
            playlist.mediaSequence = next
            retention = RetentionPolicy(configuration: policy.configuration, playlist: playlist)
        }
        if !newest.playlist.endList, !newest.playlist.segments.isEmpty {
            archive?.leftOpen = newest
            state.discontinuityPending = true
        }
        archive?.setIndependentSegments(retention?.playlist.independentSegments ?? false)
    }

    /// A stream that kept its whole recording in an EVENT (or VOD) playlist and is now kept as
    /// an archive: that playlist is written, ended, as the archive playlist of its first date,
    /// so nothing it listed is lost when the live playlist starts to slide. Segments without a
    /// program date-time are dated back from `now` (ms since the epoch). Call it before the
    /// stream's archive index is opened, which then records them from that playlist. Returns
    /// the archive playlist's name; nil when there was nothing to take over (no playlist, a
    /// live one, or one whose last segment an archive playlist already lists).
    public static func archiveEarlierRecording(
        in directory: OutputDirectory, configuration: PackagerConfiguration, now: Int64
    ) throws(PackagerError) -> String? {
        guard configuration.archive != nil, let bytes = try directory.read(configuration.playlistName),
            let old = try? PlaylistParser.parseMedia(String(decoding: bytes, as: UTF8.self)),
            old.playlistType != nil, !old.segments.isEmpty
        else { return nil }
        if let newest = try newestArchivePlaylist(in: directory),
            newest.playlist.mediaSequence + newest.playlist.segments.count >= old.mediaSequence + old.segments.count
        {
            return nil
        }
        var dated = old
        var next = now - Int64((old.duration * 1000).rounded())
        var map: MediaInitializationSection?
        for index in dated.segments.indices {
            if let date = dated.segments[index].programDateTime { next = date.millisecondsSinceEpoch }
            dated.segments[index].programDateTime = ProgramDateTime(millisecondsSinceEpoch: next)
            next += Int64((dated.segments[index].duration * 1000).rounded())
            if dated.segments[index].map == nil { dated.segments[index].map = map } else { map = dated.segments[index].map }
        }
        dated.segments[0].discontinuity = false
        dated.playlistType = .event
        dated.endList = true
        let name = ArchivePeriodPlaylist.name(firstSegmentDate: dated.segments[0].programDateTime!.millisecondsSinceEpoch)
        try directory.write(PlaylistWriter.write(dated), to: name)
        return name
    }

    /// Retention takes the segments numbered up to `sequenceNumber` out of the archive: they
    /// leave the live playlist now (it is rewritten without them before this returns), and
    /// when the open archive playlist lists any of them it is closed, and the next segment
    /// starts a new one. Returns the names of the archive playlists of this packager that list
    /// any of them (the caller removes them whole: an EVENT playlist never loses an entry).
    /// Waits for a segment being written.
    public func withdraw(through sequenceNumber: Int) async throws -> [String] {
        guard configuration.archive != nil else {
            throw PackagerError(.invalidConfiguration, "withdraw: this stream is not kept as an archive")
        }
        while publishingNow { try await Task.sleep(for: .milliseconds(2)) }
        var names: [String] = []
        if let name = archive?.withdraw(through: sequenceNumber) { names.append(name) }
        if let leftOpen = archive?.leftOpen, leftOpen.playlist.mediaSequence <= sequenceNumber {
            archive?.leftOpen = nil
            names.append(leftOpen.name)
        }
        if (retention?.withdraw(through: sequenceNumber) ?? 0) > 0 { try await writePlaylist() }
        return names
    }

    /// Takes the segments numbered up to `sequenceNumber` out of the live playlist of a stream
    /// no packager writes now (it ended): the playlist is rewritten without them, or removed
    /// when none is left. Returns whether it changed.
    public static func withdrawFromEndedPlaylist(
        in directory: OutputDirectory, configuration: PackagerConfiguration, through sequenceNumber: Int
    ) throws(PackagerError) -> Bool {
        let name = configuration.playlistName
        guard let bytes = try directory.read(name),
            var playlist = try? PlaylistParser.parseMedia(String(decoding: bytes, as: UTF8.self)),
            playlist.playlistType == nil, playlist.mediaSequence <= sequenceNumber
        else { return false }
        var retention = RetentionPolicy(configuration: .init(listSize: 0), playlist: playlist)
        retention.withdraw(through: sequenceNumber)
        playlist = retention.playlist
        if playlist.segments.isEmpty {
            try directory.remove(name)
        } else {
            // The URIs read back already carry any base URL.
            let options = WriteOptions(roundDurations: configuration.flags.contains(.roundDurations))
            try directory.write(PlaylistWriter.write(playlist, options: options), to: name)
        }
        try directory.remove(OutputDirectory.temporaryName(of: name))
        return true
    }

    /// Ends the newest archive playlist of `directory` when a run that never finished left it
    /// open (see `endPlaylistLeftOpen`). Returns whether it did.
    public static func endArchivePlaylistLeftOpen(in directory: OutputDirectory) throws(PackagerError) -> Bool {
        guard let newest = try newestArchivePlaylist(in: directory), !newest.playlist.endList else { return false }
        var ended = newest.playlist
        ended.endList = true
        try directory.rewrite(PlaylistWriter.write(ended), to: newest.name)
        try directory.removeSpare(of: newest.name)
        return true
    }
}
