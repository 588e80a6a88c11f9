import Segmenter
import Synchronization

/// The parsed init segments and segment indexes of recent exports, keyed by path, size and
/// modification time: listed segments never change, so a long-running server indexes each
/// one once, and a repeated or overlapping export only stats its files.
///
/// Entries past `capacity` are dropped least recently used first. Failures are not kept: a
/// segment that was missing may appear (a live playlist's next segment).
public final class SegmentIndexCache: Sendable {
    /// The default number of segments kept: two hours of 2-s segments, a few tens of MB of
    /// sample tables at most.
    public static let defaultCapacity = 4_096

    private struct Key: Hashable {
        var path: String
        var initPath: String
        var identity: FileIdentity
    }

    private struct Entry {
        var index: SegmentIndex
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var inits: [String: (identity: FileIdentity, section: InitSection)] = [:]
        /// Counts look-ups: the recency of an entry.
        var clock: UInt64 = 0

        /// Drops the least recently used quarter of the entries.
        mutating func evictLeastRecentlyUsed() {
            let uses = entries.values.map(\.lastUse).sorted()
            let cutoff = uses[min(uses.count - 1, max(0, uses.count / 4))]
            entries = entries.filter { $0.value.lastUse > cutoff }
        }
    }

    private let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = SegmentIndexCache.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Why a segment could not be indexed.
    enum Failure: Error {
        /// No such file (or not a regular file).
        case missing
        /// A box runs past the end of the file, or the boxes do not parse.
        case damaged(String)
    }

    /// The init segment at `path`, parsed once per version of the file.
    func initSection(at path: String) throws(ExportError) -> InitSection {
        guard let file = ReadableFile(path: path) else {
            throw ExportError(.unreadableRecording, "init segment \(path) is missing or cannot be opened")
        }
        if let cached = state.withLock({ $0.inits[path] }), cached.identity == file.identity { return cached.section }
        guard file.size <= UInt64(Self.maxInitSize), let bytes = file.read(count: Int(file.size), at: 0) else {
            throw ExportError(.unreadableRecording, "init segment \(path) cannot be read (\(file.size) bytes)")
        }
        let section: InitSection
        do {
            section = try InitSection(parsing: bytes)
        } catch {
            throw ExportError(.unreadableRecording, "init segment \(path) is not a valid MP4 initialization segment: \(error)")
        }
        state.withLock {
            if $0.inits.count >= capacity { $0.inits.removeAll() }
            $0.inits[path] = (file.identity, section)
        }
        return section
    }

    /// The largest init segment read: parameter sets and sample entries take a few kB; an
    /// init of megabytes is not one.
    static let maxInitSize = 16 << 20

    /// The samples of the segment at `path`, read with the `trex` defaults of `initSection`.
    func segmentIndex(at path: String, initPath: String, trackExtends: [TrackExtendsBox]) -> Result<SegmentIndex, Failure> {
        guard let identity = ReadableFile.identity(of: path) else { return .failure(.missing) }
        let key = Key(path: path, initPath: initPath, identity: identity)
        let cached: SegmentIndex? = state.withLock {
            $0.clock += 1
            guard var entry = $0.entries[key] else { return nil }
            entry.lastUse = $0.clock
            $0.entries[key] = entry
            return entry.index
        }
        if let cached { return .success(cached) }
        guard let file = ReadableFile(path: path) else { return .failure(.missing) }
        let index: SegmentIndex
        do {
            index = try SegmentIndex.read(file, trackExtends: trackExtends)
        } catch {
            return .failure(.damaged("\(error)"))
        }
        state.withLock {
            $0.clock += 1
            if $0.entries.count >= capacity { $0.evictLeastRecentlyUsed() }
            $0.entries[Key(path: path, initPath: initPath, identity: file.identity)] = Entry(index: index, lastUse: $0.clock)
        }
        return .success(index)
    }

    /// Segments held (for tests and metrics).
    public var count: Int { state.withLock { $0.entries.count } }
}
