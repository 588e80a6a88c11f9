import Foundation
import TestSupport
import Testing

/// `hlsseg index rebuild ROOT` on a rotated archive (period playlists beside a short live
/// playlist): the recordings API answers the same after the index was deleted, corrupted or
/// rebuilt, and the same as for the plain recording it was cut from.
@Suite("hlsseg index rebuild", .serialized, .timeLimit(.minutes(4)))
struct IndexRebuildCommandTests {
    /// Three `append_list` runs of the 10-s fixture (three spans), in `<root>/plain`, and the
    /// same segments in `<root>/cam` as two ended archive period playlists and a live
    /// `index.m3u8` listing the last four.
    static func makeRoot(_ name: String) async throws -> (root: URL, directory: URL) {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("index-rebuild/\(name)")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let plain = root.appendingPathComponent("plain")
        for flags in ["program_date_time", "program_date_time+append_list", "program_date_time+append_list"] {
            let run = try await runSegment(
                inputs: [source], outputDirectory: plain, arguments: ["--hls-playlist-type", "event", "--hls-flags", flags])
            try #require(run.succeeded, "\(run.summary)")
        }
        let cam = root.appendingPathComponent("cam")
        try FileManager.default.copyItem(at: plain, to: cam)
        let text = try String(contentsOf: cam.appendingPathComponent("index.m3u8"), encoding: .utf8)
        // Each segment's lines up to its URI, without the map (each playlist names it first).
        var blocks: [[String]] = []
        var current: [String] = []
        var mediaSequence = 0
        var inHeader = true
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") { mediaSequence = Int(line.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count)) ?? 0 }
            if line.hasPrefix("#EXTINF") || line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME") || line == "#EXT-X-DISCONTINUITY" {
                inHeader = false
            }
            guard !inHeader, !line.hasPrefix("#EXT-X-MAP"), line != "#EXT-X-ENDLIST" else { continue }
            current.append(line)
            if !line.hasPrefix("#") {
                blocks.append(current)
                current = []
            }
        }
        try #require(blocks.count >= 12 && text.contains("URI=\"init.mp4\""), "\(text)")
        func playlist(_ range: Range<Int>, type: String?, ended: Bool) -> String {
            var lines = [
                "#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-TARGETDURATION:3", "#EXT-X-MEDIA-SEQUENCE:\(mediaSequence + range.lowerBound)",
            ]
            if let type { lines.append("#EXT-X-PLAYLIST-TYPE:\(type)") }
            lines.append("#EXT-X-MAP:URI=\"init.mp4\"")
            for block in blocks[range] { lines += block }
            if ended { lines.append("#EXT-X-ENDLIST") }
            return lines.joined(separator: "\n") + "\n"
        }
        let middle = blocks.count / 2
        try playlist(0..<middle, type: "EVENT", ended: true).write(
            to: cam.appendingPathComponent("archive-20260101T000000Z.m3u8"), atomically: true, encoding: .utf8)
        try playlist(middle..<blocks.count, type: "EVENT", ended: false).write(
            to: cam.appendingPathComponent("archive-20260101T010000Z.m3u8"), atomically: true, encoding: .utf8)
        try playlist((blocks.count - 4)..<blocks.count, type: nil, ended: false).write(
            to: cam.appendingPathComponent("index.m3u8"), atomically: true, encoding: .utf8)
        return (root, directory)
    }

    /// The recordings API's answers that must not change, from a server on `root`.
    static func answers(root: URL, directory: URL, run: Int) async throws -> (cam: [String], plain: [String], log: String) {
        let port = try freeLoopbackPort()
        let server = try ServeProcess.start(
            ["serve", "--root", root.path, "--http-port", "\(port)", "--no-rtmp", "--log-level", "warning"],
            log: directory.appendingPathComponent("serve-\(run).log"))
        defer { server.stop() }
        try await waitUntil("the HTTP port accepts connections", seconds: 30) { canConnect(port: port) }
        func texts(_ stream: String) throws -> [String] {
            try [
                "/api/streams/\(stream)/recordings", "/api/streams/\(stream)/recordings?start=9&end=11",
                "/api/streams/\(stream)/recordings?start=-5", "/hls/\(stream)/index.m3u8?start=3&end=25",
            ].map { path in
                let answer = try HTTPExchange.send(port: port, path: path)
                return "\(answer.status) \(answer.text)"
            }
        }
        return (try texts("cam"), try texts("plain"), server.logText)
    }

    @Test("a deleted, corrupted or rebuilt index gives the recordings API the same answers, those of the plain recording")
    func sameAnswers() async throws {
        let (root, directory) = try await Self.makeRoot("same")
        let indexFile = root.appendingPathComponent(".hlsseg/index/cam.idx")

        // First start: no index yet; it is made from the playlists, with one log line.
        let first = try await Self.answers(root: root, directory: directory, run: 1)
        #expect(first.log.contains("archive index of 'cam' is missing: rebuilt from 3 playlists"), "\(first.log)")
        #expect(first.cam[0].hasPrefix("200 [") && first.cam.allSatisfy { $0.hasPrefix("200 ") }, "\(first.cam)")
        let spans = try JSONSerialization.jsonObject(with: Data(first.cam[0].dropFirst(4).utf8)) as? [[String: Any]]
        #expect(spans?.count == 3, "\(first.cam[0])")
        #expect(first.cam.prefix(3) == first.plain.prefix(3), "the rotated archive and the plain recording differ")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".hlsseg/index/plain.idx").path))

        // Deleted, then rebuilt by the command.
        let original = try Data(contentsOf: indexFile)
        try FileManager.default.removeItem(at: indexFile)
        let rebuilt = try await Subprocess.run(try Tools.hlsseg(), ["index", "rebuild", root.path], timeout: .seconds(60))
        #expect(rebuilt.succeeded, "\(rebuilt.summary)")
        #expect(rebuilt.stdout.contains("cam: ") && rebuilt.stdout.contains("plain: skipped"), "\(rebuilt.stdout)")
        #expect(try Data(contentsOf: indexFile) == original)
        let second = try await Self.answers(root: root, directory: directory, run: 2)
        #expect(second.cam == first.cam)
        #expect(!second.log.contains("archive index"), "\(second.log)")

        // Corrupted: rebuilt at start, saying where.
        var damaged = original
        damaged[damaged.count / 2] ^= 0x5A
        try damaged.write(to: indexFile)
        let third = try await Self.answers(root: root, directory: directory, run: 3)
        #expect(third.log.contains("archive index of 'cam' is corrupt at byte"), "\(third.log)")
        #expect(third.cam == first.cam)
        #expect(try Data(contentsOf: indexFile) == original)

        // One stream by name; a root that is not a folder is refused.
        let one = try await Subprocess.run(try Tools.hlsseg(), ["index", "rebuild", root.path, "--stream", "cam"], timeout: .seconds(60))
        #expect(one.succeeded && one.stdout.hasPrefix("cam: ") && !one.stdout.contains("plain"), "\(one.summary)")
        let missing = root.appendingPathComponent("nothing").path
        let refused = try await Subprocess.run(try Tools.hlsseg(), ["index", "rebuild", missing], timeout: .seconds(60))
        #expect(!refused.succeeded && refused.stderr.contains("is not a folder"), "\(refused.summary)")
    }
}
