import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every stream's archive index under one root, for the readers of this process (HTTP routes,
/// retention).
///
/// A stream is answered from one of two sources:
/// - its index file `<root>/.hlsseg/index/<stream>.idx` (streams the packager archives): loaded
///   once, then on every `index(of:)` only the bytes appended since are read;
/// - else its `index.m3u8` (an `hlsseg segment` output, an FFmpeg folder): an index made in
///   memory from the playlist and kept until the playlist's size or modification time changes.
///   No file is written for such a folder.
///
/// `loadAll()` at server start checks every index file: a torn tail is cut off, segments the
/// playlists list beyond the last record (a crash between the two) are added, and a corrupt
/// index, or a missing one beside archive period playlists, is rebuilt from the playlists. Each
/// repair is one log line naming the stream and why.
public final class ArchiveCatalog: Sendable {
    public let root: String
    private let logger: Logger
    private let slots = Mutex<[String: Slot]>([:])

    private final class Slot: Sendable {
        let state = Mutex(SlotState.unknown)
    }

    private enum SlotState {
        case unknown
        case file(FileIndex)
        case playlist(PlaylistIndex)
    }

    private struct FileIndex {
        var identity: ArchiveIndexFile.Identity
        /// Bytes read and decoded: the end of the last whole record.
        var consumed: Int
        var decoder: ArchiveRecordDecoder
        var builder: ArchiveIndexBuilder
    }

    private struct PlaylistIndex {
        var key: PlaylistKey
        /// nil: the playlist is not a recording the index can hold (no fMP4 segments).
        var index: ArchiveIndex?
    }

    /// What tells one version of a playlist file from the next.
    private struct PlaylistKey: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        var modified: Int64
        var modifiedNanoseconds: Int

        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int(status.st_size)
            #if canImport(Darwin)
                modified = Int64(status.st_mtimespec.tv_sec)
                modifiedNanoseconds = Int(status.st_mtimespec.tv_nsec)
            #else
                modified = Int64(status.st_mtim.tv_sec)
                modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
            #endif
        }
    }

    public init(root: String, logger: Logger) {
        self.root = root
        self.logger = logger
    }

    // MARK: Loading

    /// What `loadAll()` found.
    public struct LoadSummary: Sendable {
        /// Streams with an index file after loading.
        public var streams = 0
        /// Their kept segments, in total.
        public var segments = 0
        /// Streams whose index was repaired or rebuilt.
        public var repaired = 0
    }

    /// Loads every stream's index at server start; rebuilds missing/corrupt ones from the
    /// playlists (one log line per repaired stream, saying why). Throws only when the root
    /// cannot be listed; a stream that cannot be loaded is logged and left out.
    @discardableResult
    public func loadAll() throws(PackagerError) -> LoadSummary {
        var summary = LoadSummary()
        for stream in try streamFolders() {
            do {
                let (index, repaired) = try load(stream: stream)
                guard let index else { continue }
                summary.streams += 1
                summary.segments += index.count
                if repaired { summary.repaired += 1 }
            } catch {
                logger.error("archive index of '\(stream)' cannot be loaded: \(error.reason)")
            }
        }
        return summary
    }

    /// The stream folders under the root (visible plain folders, no symbolic links).
    private func streamFolders() throws(PackagerError) -> [String] {
        guard let listing = opendir(root) else {
            throw PackagerError(.outputNotWritable, "cannot list the stream root '\(root)': \(OutputDirectory.errnoText())")
        }
        defer { closedir(listing) }
        var names: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard ArchiveIndexFile.isStreamName(name) else { continue }
            var status = stat()
            guard lstat(root + "/" + name, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Loads (or repairs, or rebuilds) the index file of `stream` and adds what its playlists
    /// list beyond it. nil: the stream has no index file and no archive playlists.
    private func load(stream: String) throws(PackagerError) -> (ArchiveIndex?, repaired: Bool) {
        let slot = slot(for: stream)
        let lock = ArchiveIndexFile.lock(root: root, stream: stream)
        return try lock.mutex.withLock { _ throws(PackagerError) in
            try slot.state.withLock { state throws(PackagerError) in
                let path = ArchiveIndexFile.path(root: root, stream: stream)
                let folder = root + "/" + stream
                guard let existing = try ArchiveIndexFile.read(path: path) else {
                    guard let names = ArchivePlaylists.archivePlaylistNames(in: folder), !names.isEmpty else {
                        return (nil, false)
                    }
                    let file = try rebuild(stream: stream, retiredThrough: nil, why: "is missing")
                    state = .file(file)
                    return (file.builder.snapshot(), true)
                }
                var file = try decodeWhole(existing.bytes, identity: existing.identity)
                var repaired = false
                switch file.end {
                case .complete:
                    break
                case .tornTail(let offset) where file.index.consumed > 0:
                    try ArchiveIndexFile.truncate(path: path, to: file.index.consumed)
                    file.index.identity.size = file.index.consumed
                    logger.warning(
                        "archive index of '\(stream)': torn tail cut at byte \(offset) (\(existing.bytes.count - offset) bytes of an unfinished record)"
                    )
                    repaired = true
                case .tornTail(let offset), .corrupt(let offset, _):
                    var why = "is corrupt at byte \(offset)"
                    if case .corrupt(_, let reason) = file.end { why += " (\(reason))" }
                    let rebuilt = try rebuild(stream: stream, retiredThrough: file.index.builder.retiredThrough, why: why)
                    state = .file(rebuilt)
                    return (rebuilt.builder.snapshot(), true)
                }
                let added = try reconcile(&file.index, stream: stream, path: path)
                if added > 0 {
                    logger.notice("archive index of '\(stream)': added \(added) segments its playlists list beyond its last record")
                }
                state = .file(file.index)
                return (file.index.builder.snapshot(), repaired || added > 0)
            }
        }
    }

    /// A whole file's bytes decoded into an index.
    private func decodeWhole(_ bytes: [UInt8], identity: ArchiveIndexFile.Identity) throws(PackagerError) -> (
        index: FileIndex, end: ArchiveIndexScanEnd
    ) {
        var builder = ArchiveIndexBuilder()
        let scan = try ArchiveIndexFile.scan(bytes) { decoded in
            switch decoded {
            case .segment(let segment): builder.append(segment)
            case .retired(let through): builder.retire(through: through)
            }
        }
        return (FileIndex(identity: identity, consumed: scan.validLength, decoder: scan.decoder, builder: builder), scan.end)
    }

    /// Rebuilds the index file from the playlists and logs why. Call with the file's lock held.
    private func rebuild(stream: String, retiredThrough: Int?, why: String) throws(PackagerError) -> FileIndex {
        let result = try ArchiveIndexRebuild.run(root: root, stream: stream, retiredThrough: retiredThrough)
        let summary = result.summary
        var line = "archive index of '\(stream)' \(why): rebuilt from \(summary.playlists) playlists, \(summary.segments) segments"
        if !summary.skipped.isEmpty { line += "; left out: " + summary.skipped.joined(separator: "; ") }
        logger.warning("\(line)")
        // The new file is read back on the next refresh; it holds what the builder holds.
        var decoder = ArchiveRecordDecoder()
        if let bytes = try ArchiveIndexFile.read(path: ArchiveIndexFile.path(root: root, stream: stream)) {
            let scan = try ArchiveIndexFile.scan(bytes.bytes) { _ in }
            decoder = scan.decoder
            return FileIndex(identity: bytes.identity, consumed: scan.validLength, decoder: decoder, builder: result.builder)
        }
        throw PackagerError(.writeFailed, "the rebuilt archive index of '\(stream)' cannot be read back")
    }

    /// Appends to the file (and the index) the segments that the live playlist and the newest
    /// archive playlist list after the index's last one. Returns how many.
    private func reconcile(_ file: inout FileIndex, stream: String, path: String) throws(PackagerError) -> Int {
        let folder = root + "/" + stream
        var names: [String] = []
        if let newest = ArchivePlaylists.archivePlaylistNames(in: folder)?.last { names.append(newest) }
        let after = [file.builder.lastSequenceNumber, file.builder.retiredThrough].compactMap { $0 }.max()
        let contents = ArchivePlaylists.contents(folder: folder, names: names, includeLive: true, after: after)
        guard !contents.segments.isEmpty else { return 0 }
        var encoder = ArchiveRecordEncoder()
        var bytes: [UInt8] = []
        for segment in contents.segments { bytes += try encoder.encode(segment) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PackagerError(.outputNotWritable, "cannot open '\(path)': \(OutputDirectory.errnoText())")
        }
        defer { close(descriptor) }
        try ArchiveIndexFile.append(bytes, to: descriptor, path: path)
        // The builder has them now; the next refresh reads the appended records again (the
        // decoder's context must follow the file) and skips them as repeats.
        for segment in contents.segments { file.builder.append(segment) }
        return contents.segments.count
    }

    // MARK: Queries

    private func slot(for stream: String) -> Slot {
        slots.withLock { slots in
            if let slot = slots[stream] { return slot }
            let slot = Slot()
            slots[stream] = slot
            return slot
        }
    }

    /// The stream's index as of now (refreshed from the file when it grew), nil: no recording.
    public func index(of stream: String) -> ArchiveIndex? {
        guard ArchiveIndexFile.isStreamName(stream) else { return nil }
        let slot = slot(for: stream)
        let path = ArchiveIndexFile.path(root: root, stream: stream)
        let needsLoad: Bool = slot.state.withLock { state in
            guard let identity = ArchiveIndexFile.identity(path: path) else {
                if case .file = state { return true }  // the file went away: rebuild it
                return false
            }
            guard case .file(var file) = state, file.identity.device == identity.device, file.identity.inode == identity.inode,
                identity.size >= file.consumed
            else { return true }
            if identity.size > file.consumed {
                guard refresh(&file, stream: stream, path: path) else { return true }
                state = .file(file)
            }
            return false
        }
        if needsLoad {
            do {
                _ = try load(stream: stream)
            } catch {
                logger.error("archive index of '\(stream)' cannot be loaded: \(error.reason)")
                return nil
            }
        }
        return slot.state.withLock { state -> ArchiveIndex? in
            switch state {
            case .file(let file): return file.builder.snapshot()
            case .unknown, .playlist: return playlistIndex(&state, stream: stream)
            }
        }
    }

    /// Reads what was appended since the last read. false: the new bytes are damaged (the
    /// caller reloads the whole file).
    private func refresh(_ file: inout FileIndex, stream: String, path: String) -> Bool {
        guard let read = try? ArchiveIndexFile.read(path: path, from: file.consumed),
            read.identity.inode == file.identity.inode
        else { return false }
        var decoder = file.decoder
        var builder = file.builder
        let result = read.bytes.withUnsafeBytes { buffer in
            try? decoder.decode(buffer, from: 0) { decoded in
                switch decoded {
                case .segment(let segment): builder.append(segment)
                case .retired(let through): builder.retire(through: through)
                }
            }
        }
        guard let result else { return false }
        if case .corrupt(let offset, let reason) = result.end {
            logger.error("archive index of '\(stream)' is corrupt at byte \(file.consumed + offset) (\(reason)): reloading it")
            return false
        }
        file.decoder = decoder
        file.builder = builder
        file.consumed += result.consumed
        file.identity = read.identity
        return true
    }

    /// The index made in memory from `index.m3u8`, made again when the playlist changed.
    private func playlistIndex(_ state: inout SlotState, stream: String) -> ArchiveIndex? {
        let folder = root + "/" + stream
        guard let key = PlaylistKey(path: folder + "/" + ArchivePlaylists.livePlaylist) else {
            state = .unknown
            return nil
        }
        if case .playlist(let cached) = state, cached.key == key { return cached.index }
        let contents = ArchivePlaylists.contents(folder: folder, names: [], includeLive: true)
        var index: ArchiveIndex?
        if let live = contents.live, !contents.segments.contains(where: { $0.initURI.isEmpty }) {
            var builder = ArchiveIndexBuilder()
            for segment in contents.segments { builder.append(segment) }
            index = builder.snapshot(
                ended: live.endList, discontinuityBase: live.discontinuitySequence, targetDuration: live.targetDuration,
                independentSegments: live.independentSegments)
        }
        state = .playlist(PlaylistIndex(key: key, index: index))
        return index
    }

    /// Whether the folder of `stream` holds archive period playlists (`archive-*.m3u8`).
    public func hasArchivePlaylists(stream: String) -> Bool {
        guard ArchiveIndexFile.isStreamName(stream) else { return false }
        return !(ArchivePlaylists.archivePlaylistNames(in: root + "/" + stream) ?? []).isEmpty
    }

    /// The streams that have an index file.
    public func streams() -> [String] {
        guard let listing = opendir(root + "/" + ArchiveIndexFile.folder) else { return [] }
        defer { closedir(listing) }
        var names: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(ArchiveIndexFile.fileExtension) else { continue }
            let stream = String(name.dropLast(ArchiveIndexFile.fileExtension.count))
            if ArchiveIndexFile.isStreamName(stream) { names.append(stream) }
        }
        return names.sorted()
    }

    // MARK: Changes

    /// Retention: the segments up to `sequenceNumber` of `stream` are gone from the archive.
    /// Durable (fsynced) before it returns; later loads never show them again.
    public func retire(stream: String, through sequenceNumber: Int) throws(PackagerError) {
        guard ArchiveIndexFile.isStreamName(stream) else {
            throw PackagerError(.invalidConfiguration, "'\(stream)' is not a stream name")
        }
        let path = ArchiveIndexFile.path(root: root, stream: stream)
        let lock = ArchiveIndexFile.lock(root: root, stream: stream)
        try lock.mutex.withLock { _ throws(PackagerError) in
            let descriptor = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else {
                if errno == ENOENT {
                    throw PackagerError(.invalidConfiguration, "stream '\(stream)' has no archive index (\(path)) to retire segments from")
                }
                throw PackagerError(.outputNotWritable, "cannot open '\(path)': \(OutputDirectory.errnoText())")
            }
            defer { close(descriptor) }
            var encoder = ArchiveRecordEncoder()
            try ArchiveIndexFile.append(try encoder.encode(.retired(through: sequenceNumber)), to: descriptor, path: path)
            guard fsync(descriptor) == 0 else {
                throw PackagerError(.writeFailed, "cannot sync '\(path)': \(OutputDirectory.errnoText())")
            }
        }
        // The marker is read with the next refresh; the index forgets the segments now.
        slot(for: stream).state.withLock { state in
            if case .file(var file) = state {
                file.builder.retire(through: sequenceNumber)
                state = .file(file)
            }
        }
    }

    /// Rebuilds the index file of `stream` from its playlists (`hlsseg index rebuild`), keeping
    /// any retirement the old file records.
    public func rebuild(stream: String) throws(PackagerError) -> ArchiveIndexRebuild {
        guard ArchiveIndexFile.isStreamName(stream) else {
            throw PackagerError(.invalidConfiguration, "'\(stream)' is not a stream name")
        }
        let lock = ArchiveIndexFile.lock(root: root, stream: stream)
        let slot = slot(for: stream)
        return try lock.mutex.withLock { _ throws(PackagerError) in
            var retired: Int?
            if let existing = try ArchiveIndexFile.read(path: ArchiveIndexFile.path(root: root, stream: stream)) {
                _ = try ArchiveIndexFile.scan(existing.bytes) { decoded in
                    if case .retired(let through) = decoded { retired = max(retired ?? through, through) }
                }
            }
            let result = try ArchiveIndexRebuild.run(root: root, stream: stream, retiredThrough: retired)
            slot.state.withLock { $0 = .unknown }
            return result.summary
        }
    }
}
