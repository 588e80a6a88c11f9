import Playlist

/// The archive playlist of the current period: an EVENT playlist that lists every segment
/// whose program date-time falls in the period, and gets `#EXT-X-ENDLIST` when the period is
/// over (or the stream ends). It never loses an entry; it is named after its first segment's
/// date (`archive-20261206T140000.000Z.m3u8`), so a playlist that retention withdrew is never
/// written again under its name. Pure: it says what to write, the packager writes it.
struct ArchivePeriodPlaylist: Sendable {
    /// One playlist file to write, in the order given.
    struct Write: Sendable {
        var name: String
        var text: String
        /// The playlist is ended: it is never written again (its spare can go).
        var isFinal = false
    }

    /// How to take back an `add` whose segment could not be written.
    enum Undo: Sendable {
        case removeLast(targetDuration: Int)
        case restore(ArchivePeriodPlaylist)
    }

    let settings: ArchiveSettings
    let options: WriteOptions
    /// The open playlist's file name; nil when none is open (before the first segment, after
    /// the period ended or was withdrawn).
    private(set) var name: String?
    /// The start of the open playlist's period (ms since the epoch).
    private(set) var periodStart: Int64?
    private(set) var playlist: MediaPlaylist
    private var writer: IncrementalPlaylistWriter

    init(settings: ArchiveSettings, options: WriteOptions) {
        self.settings = settings
        self.options = options
        playlist = MediaPlaylist(targetDuration: 1, playlistType: .event)
        writer = IncrementalPlaylistWriter(options: options)
    }

    /// The file name of a playlist whose first segment starts at `date` (ms since the epoch).
    static func name(firstSegmentDate date: Int64) -> String {
        let stamp = ProgramDateTime(millisecondsSinceEpoch: date).iso8601.filter { $0 != "-" && $0 != ":" }
        return prefix + stamp + ".m3u8"
    }

    static let prefix = "archive-"

    /// Whether `name` is the name of an archive playlist.
    static func isArchivePlaylist(_ name: String) -> Bool {
        name.hasPrefix(prefix) && name.hasSuffix(".m3u8")
    }

    /// An archive playlist an earlier run left open (it was killed): the first segment
    /// continues it when it falls in the same period, and ends it otherwise.
    var leftOpen: (name: String, playlist: MediaPlaylist)?

    /// The period of a playlist's first segment; nil when it has no date.
    private func period(of playlist: MediaPlaylist) -> Int64? {
        playlist.segments.first?.programDateTime.map { settings.periodStart(of: $0.millisecondsSinceEpoch) }
    }

    /// Lists `entry` (which carries its program date-time), media sequence number
    /// `sequenceNumber`. Returns the files to write, in order: the previous period's playlist
    /// ended, when this segment starts a new period, then the open playlist.
    mutating func add(_ entry: MediaSegment, sequenceNumber: Int, targetDuration: Int) -> (writes: [Write], undo: Undo) {
        let date = entry.programDateTime?.millisecondsSinceEpoch ?? 0
        let period = settings.periodStart(of: date)
        var writes: [Write] = []
        var undo = Undo.removeLast(targetDuration: playlist.targetDuration)
        if let leftOpen {
            undo = .restore(self)
            self.leftOpen = nil
            if self.period(of: leftOpen.playlist) == period {
                name = leftOpen.name
                periodStart = period
                playlist = leftOpen.playlist
                playlist.endList = false
                writer = IncrementalPlaylistWriter(options: options)
            } else {
                var ended = leftOpen.playlist
                ended.endList = true
                writes.append(Write(name: leftOpen.name, text: PlaylistWriter.write(ended, options: options), isFinal: true))
            }
        }
        if name != nil, period != periodStart {
            if case .removeLast = undo { undo = .restore(self) }
            if let ended = end() { writes.append(ended) }
        }
        if name == nil {
            if case .removeLast = undo { undo = .restore(self) }
            name = Self.name(firstSegmentDate: date)
            periodStart = period
            playlist = MediaPlaylist(
                targetDuration: targetDuration, mediaSequence: sequenceNumber, playlistType: .event,
                independentSegments: playlist.independentSegments)
            writer = IncrementalPlaylistWriter(options: options)
        }
        var entry = entry
        // A playlist's first segment follows nothing it could be discontinuous from; the
        // archive index keeps the flag for the recording's spans.
        if playlist.segments.isEmpty { entry.discontinuity = false }
        playlist.segments.append(entry)
        playlist.targetDuration = max(playlist.targetDuration, targetDuration)
        writes.append(Write(name: name!, text: writer.write(playlist)))
        return (writes, undo)
    }

    mutating func undo(_ undo: Undo) {
        switch undo {
        case .removeLast(let targetDuration):
            playlist.segments.removeLast()
            playlist.targetDuration = targetDuration
        case .restore(let saved):
            self = saved
        }
    }

    /// Ends the open playlist (`#EXT-X-ENDLIST`); nil when none is open or it lists nothing.
    mutating func end() -> Write? {
        defer {
            name = nil
            periodStart = nil
        }
        guard let name, !playlist.segments.isEmpty else { return nil }
        playlist.endList = true
        return Write(name: name, text: writer.write(playlist), isFinal: true)
    }

    /// Retention takes the segments up to `sequenceNumber` out of the archive: when the open
    /// playlist lists any of them, it is closed without another write (the caller removes it
    /// whole) and the next segment starts a new playlist. Returns its name.
    mutating func withdraw(through sequenceNumber: Int) -> String? {
        guard let name, !playlist.segments.isEmpty, playlist.mediaSequence <= sequenceNumber else { return nil }
        self.name = nil
        periodStart = nil
        return name
    }

    /// Sets `#EXT-X-INDEPENDENT-SEGMENTS` as the live playlist has it.
    mutating func setIndependentSegments(_ independent: Bool) {
        playlist.independentSegments = independent
    }
}
