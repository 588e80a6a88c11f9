import Foundation
import Packager
import Synchronization
import TestSupport
import Testing

@testable import HTTPServe

/// The packager overwrites a playlist's previous version in place one segment later
/// (`OutputDirectory.rewrite`). A cache read that was slow enough to overlap that (a thread
/// descheduled between `open` and `read` on a loaded machine) must start over, never return
/// a mix of two versions.
@Suite("FileCache while the playlist is rewritten")
struct FileCacheRewriteTests {
    @Test func aReadOverlappingTheNextRewriteStartsOver() throws {
        let directory = try Self.directory("overlap")
        try directory.rewrite(Self.version(1), to: "index.m3u8")
        try directory.rewrite(Self.version(2), to: "index.m3u8")
        // The reader opens version 2; before it reads, two more versions are written, the
        // second one into the very inode it holds open.
        let read = FileCache.read(path: directory.filePath("index.m3u8"), maxFileSize: 1 << 20, isPlaylist: true) {
            try? directory.rewrite(Self.version(3), to: "index.m3u8")
            try? directory.rewrite(Self.version(4), to: "index.m3u8")
        }
        let file = try #require(read ?? nil)
        #expect(String(decoding: file.bytes.readableBytesView, as: UTF8.self) == Self.version(4))
    }

    @Test func readsDuringBackToBackRewritesAreWholeVersions() async throws {
        let directory = try Self.directory("back-to-back")
        try directory.rewrite(Self.version(0), to: "index.m3u8")
        let cache = FileCache(maxFileSize: 1 << 20, capacity: 64 << 20)
        // A thread of its own, not a task: 400 fsyncs would hold one of the cooperative pool's
        // threads (one per core) away from every other test running in parallel.
        let done = Atomic(false)
        let failure = Mutex<PackagerError?>(nil)
        Thread.detachNewThread {
            defer { done.store(true, ordering: .releasing) }
            do throws(PackagerError) {
                for number in 1...200 { try directory.rewrite(Self.version(number), to: "index.m3u8") }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        var broken: [String] = []
        var whole = 0
        while !done.load(ordering: .acquiring) {
            guard case .memory(let file)? = try await cache.lookup(path: directory.filePath("index.m3u8"), isPlaylist: true)
            else { continue }  // changed under three reads in a row: a miss, never a mix
            let text = String(decoding: file.bytes.readableBytesView, as: UTF8.self)
            if Self.isWholeVersion(text) { whole += 1 } else { broken.append(String(text.prefix(40))) }
        }
        #expect(failure.withLock { $0 } == nil)
        #expect(broken.isEmpty, "\(broken.count) reads mixed versions, e.g. \(broken.prefix(3))")
        #expect(whole > 0)
    }

    private static func directory(_ name: String) throws -> OutputDirectory {
        try OutputDirectory(path: TestScratch.directory("filecache-rewrite/" + name).path)
    }

    /// `#v<n>`, a body whose length depends on n, `#end <n>`.
    static func version(_ number: Int) -> String {
        "#v\(number)\n" + String(repeating: "x", count: 2000 + number * 7 % 3000) + "\n#end \(number)\n"
    }

    static func isWholeVersion(_ text: String) -> Bool {
        guard text.hasPrefix("#v"), let newline = text.firstIndex(of: "\n"),
            let number = Int(text[text.index(text.startIndex, offsetBy: 2)..<newline])
        else { return false }
        return text == version(number)
    }
}
