import Playlist

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The playlists of a stream folder read back into index entries: what an index is rebuilt
/// from, and what the index of a folder without an index file is made of.
///
/// Segments come from the archive period playlists (`archive-<UTC start>.m3u8`, in name order,
/// which is time order) and then the live `index.m3u8`; a sequence number already seen is
/// skipped (the archive playlist's entry, which names its playlist, wins). Sizes come from
/// `stat`. A segment without `#EXT-X-PROGRAM-DATE-TIME` gets a date counted on from the last
/// dated one before it (back from the first dated one for those before it), as
/// `HLSRecording` and `RecordingSpan` count.
enum ArchivePlaylists {
    static let archivePrefix = "archive-"
    static let playlistSuffix = ".m3u8"
    static let livePlaylist = "index.m3u8"

    /// Names of the archive period playlists in `folder`, sorted; nil when it cannot be listed.
    /// Names are compared as bytes from `readdir`, so a folder of a million segments is listed
    /// without making a string of each.
    static func archivePlaylistNames(in folder: String) -> [String]? {
        guard let stream = opendir(folder) else { return nil }
        defer { closedir(stream) }
        let prefix = Array(archivePrefix.utf8)
        let suffix = Array(playlistSuffix.utf8)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name: String? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                guard bytes.count > prefix.count, bytes[0] == prefix[0] else { return nil }
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                guard length > prefix.count + suffix.count,
                    bytes[0..<prefix.count].elementsEqual(prefix),
                    bytes[(length - suffix.count)..<length].elementsEqual(suffix)
                else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<length]), as: UTF8.self)
            }
            if let name { names.append(name) }
        }
        return names.sorted()
    }

    /// What a folder's playlists hold.
    struct Contents {
        var segments: [DecodedSegment] = []
        var playlistsRead = 0
        /// Of the live playlist (nil: there was none).
        var live: MediaPlaylist?
    }

    /// Reads `names` (archive playlists, in order) and then, with `includeLive`, `index.m3u8`,
    /// keeping segments after `after` (a sequence number). A playlist that cannot be read is
    /// reported through `skipped` and left out.
    static func contents(
        folder: String, names: [String], includeLive: Bool, after: Int? = nil, statSizes: Bool = true,
        skipped: (String, String) -> Void = { _, _ in }
    ) -> Contents {
        var contents = Contents()
        var last = after
        var pendingUndated: [DecodedSegment] = []
        var anchor: (startMicros: Int64, date: Int64)?
        var startMicros: Int64 = 0
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if folderDescriptor >= 0 { close(folderDescriptor) } }

        func add(_ playlist: MediaPlaylist, name: String) {
            contents.playlistsRead += 1
            let playlistName = name == livePlaylist ? "" : name
            for (position, entry) in playlist.segments.enumerated() {
                let sequenceNumber = playlist.mediaSequence + position
                if let last, sequenceNumber <= last { continue }
                last = sequenceNumber
                let micros = UInt32(clamping: Int64((entry.duration * 1_000_000).rounded()))
                var segment = DecodedSegment(
                    sequenceNumber: sequenceNumber, date: 0, durationMicroseconds: micros,
                    size: statSizes ? size(of: entry.uri, in: folderDescriptor) : 0, discontinuity: entry.discontinuity,
                    dated: entry.programDateTime != nil, uri: ArchiveSegmentURI(uri: entry.uri, sequenceNumber: sequenceNumber),
                    initURI: entry.map?.uri ?? "", playlist: playlistName)
                if let date = entry.programDateTime?.millisecondsSinceEpoch {
                    anchor = (startMicros, date)
                    segment.date = date
                    // Those before the first dated segment count back from it.
                    for index in pendingUndated.indices {
                        let back = Self.milliseconds(startMicros - pendingUndated[index].date)
                        pendingUndated[index].date = date - back
                    }
                    contents.segments += pendingUndated
                    pendingUndated = []
                    contents.segments.append(segment)
                } else if let anchor {
                    segment.date = anchor.date + Self.milliseconds(startMicros - anchor.startMicros)
                    contents.segments.append(segment)
                } else {
                    // Kept aside with its start until a dated segment comes (in `date`, for now).
                    segment.date = startMicros
                    pendingUndated.append(segment)
                }
                startMicros += Int64(micros)
            }
        }

        for name in names {
            do {
                if let playlist = try parse(folder: folder, name: name) { add(playlist, name: name) }
            } catch {
                skipped(name, error.reason)
            }
        }
        if includeLive {
            do {
                if let live = try parse(folder: folder, name: livePlaylist) {
                    contents.live = live
                    add(live, name: livePlaylist)
                }
            } catch {
                skipped(livePlaylist, error.reason)
            }
        }
        // No date at all: dates stay 0 (and nothing is marked dated).
        for index in pendingUndated.indices { pendingUndated[index].date = 0 }
        contents.segments += pendingUndated
        return contents
    }

    /// Microseconds as milliseconds, rounded as `RecordingSpan` rounds.
    static func milliseconds(_ micros: Int64) -> Int64 {
        Int64((Double(micros) / 1000).rounded())
    }

    /// Longest playlist read: an EVENT playlist of 500 000 segments (`PlaylistParser.maxSegments`).
    static let maxPlaylistSize = 256 << 20

    /// The playlist `name` of `folder`, nil when there is no such file.
    static func parse(folder: String, name: String) throws(PackagerError) -> MediaPlaylist? {
        let path = folder + "/" + name
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw PackagerError(.writeFailed, "\(path) cannot be opened: \(OutputDirectory.errnoText())")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw PackagerError(.writeFailed, "\(path) cannot be read: \(OutputDirectory.errnoText())") }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= maxPlaylistSize else {
                throw PackagerError(.invalidConfiguration, "\(path) is larger than \(maxPlaylistSize) bytes")
            }
        }
        do {
            return try PlaylistParser.parseMedia(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw PackagerError(.invalidConfiguration, "\(path) is not a media playlist: \(error)")
        }
    }

    /// Bytes of the segment file `uri` (a plain name in the folder), 0 when it is missing.
    static func size(of uri: String, in folder: Int32) -> Int {
        guard folder >= 0 else { return 0 }
        var status = stat()
        guard fstatat(folder, uri, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return 0 }
        return Int(status.st_size)
    }
}
