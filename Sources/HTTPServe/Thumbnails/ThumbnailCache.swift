import NIOConcurrencyHelpers

/// JPEG thumbnails by (segment, file version, width), least recently used dropped first, held
/// to a byte budget. A segment that did not decode is kept too, with the reason, so asking for
/// it again costs no second decode (and no second log line) until the file changes.
///
/// The file version (inode, size, mtime) is part of the key, so a segment file replaced under
/// the same name (a stream restarted without `append_list` numbers its segments from 0
/// again) never gets the old picture. Only what requests made is held: nothing is decoded
/// ahead of a request.
final class ThumbnailCache: Sendable {
    struct Key: Hashable, Sendable {
        var source: String
        var version: FileVersion
        var width: Int

        /// A strong ETag naming this picture: the segment file's version and the width.
        var etag: String { String(version.etag.dropLast()) + "-w\(width)\"" }
    }

    /// The default budget: 16 MiB, about a thousand 320-px thumbnails (10–20 KB each), enough
    /// for every stream's newest picture and a recordings page's hover previews.
    static let defaultCapacity = 16 << 20
    /// One picture may take at most this share of the budget (a 1920-px JPEG is a few hundred
    /// KB), so a few large requests cannot flush every small one.
    static let maximumEntryShare = 8

    /// What one request made.
    enum Answer: Sendable, Equatable {
        case jpeg([UInt8])
        /// The 404 reason of a segment that did not decode.
        case failed(String)

        /// What the entry is counted as against the budget.
        var cost: Int {
            switch self {
            case .jpeg(let bytes): bytes.count
            case .failed(let reason): 64 + reason.utf8.count
            }
        }
    }

    private struct Entry {
        var answer: Answer
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var totalBytes = 0
        var clock: UInt64 = 0
    }

    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(capacity: Int = ThumbnailCache.defaultCapacity) {
        self.capacity = capacity
    }

    func answer(for key: Key) -> Answer? {
        state.withLockedValue { state in
            guard let answer = state.entries[key]?.answer else { return nil }
            state.clock += 1
            state.entries[key]?.lastUsed = state.clock
            return answer
        }
    }

    func insert(_ answer: Answer, for key: Key) {
        guard answer.cost <= capacity / Self.maximumEntryShare else { return }
        state.withLockedValue { state in
            if let old = state.entries[key] { state.totalBytes -= old.answer.cost }
            state.clock += 1
            state.entries[key] = Entry(answer: answer, lastUsed: state.clock)
            state.totalBytes += answer.cost
            guard state.totalBytes > capacity else { return }
            // Over budget: drop the least recently used down to three quarters (FileCache's rule).
            for (key, entry) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                guard state.totalBytes > capacity / 4 * 3 else { break }
                state.entries.removeValue(forKey: key)
                state.totalBytes -= entry.answer.cost
            }
        }
    }

    /// Bytes held now.
    var totalBytes: Int { state.withLockedValue { $0.totalBytes } }
}
