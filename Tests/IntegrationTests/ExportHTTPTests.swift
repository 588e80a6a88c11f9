import Foundation
import TestSupport
import Testing

/// `GET /api/streams/<name>/export.mp4` against the built binary: the redirect to the pinned
/// stretch, the same bytes as `hlsseg export`, byte ranges, refusals with a JSON reason, and a
/// stretch of a live RTMP stream that is still being recorded.
@Suite("export over HTTP", .serialized, .timeLimit(.minutes(5)))
struct ExportHTTPTests {
    /// A recording with program date-times (`<root>/clip`) and a server on it.
    static func served(_ name: String, extra: [String] = []) async throws -> (server: ServeProcess, port: Int, root: URL) {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("export-http/\(name)")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let made = try await runSegment(
            inputs: [source], outputDirectory: root.appendingPathComponent("clip"),
            arguments: ["--hls-playlist-type", "event", "--hls-flags", "program_date_time"])
        try #require(made.succeeded, "\(made.summary)")
        let port = try freeLoopbackPort()
        let server = try ServeProcess.start(
            ["serve", "--root", root.path, "--http-port", "\(port)", "--no-rtmp", "--log-level", "warning"] + extra,
            log: directory.appendingPathComponent("serve.log"))
        try await waitUntil("the HTTP port accepts connections", seconds: 30) { canConnect(port: port) }
        return (server, port, root)
    }

    @Test("seconds are pinned to dates; the file is hlsseg export's, it decodes, and any range is its slice")
    func pinnedFileAndRanges() async throws {
        let (server, port, root) = try await Self.served("ranges")
        defer { server.stop() }
        let asked = try HTTPExchange.send(port: port, path: "/api/streams/clip/export.mp4?start=3&end=9")
        #expect(asked.status == 302, "\(asked.status) \(asked.text)")
        let location = try #require(asked.headers["location"])
        #expect(location.contains("start=20") && location.contains("Z&end=20"), "\(location)")

        let whole = try HTTPExchange.send(port: port, path: location)
        #expect(whole.status == 200, "\(whole.status) \(whole.text.prefix(300))")
        #expect(whole.headers["content-type"] == "video/mp4")
        #expect(whole.headers["accept-ranges"] == "bytes")
        #expect(whole.headers["content-length"] == String(whole.body.count))
        let downloaded = root.deletingLastPathComponent().appendingPathComponent("http.mp4")
        try Data(whole.body).write(to: downloaded)
        let decode = try await Probe.decode(downloaded)
        #expect(decode.succeeded && decode.stderrLines.isEmpty, "\(decode.summary)")

        // The same stretch through the command line: the same bytes.
        let query = try #require(location.split(separator: "?").last)
        let times = Dictionary(
            uniqueKeysWithValues: query.split(separator: "&").map { item in
                let parts = item.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), String(parts[1]))
            })
        let cli = downloaded.deletingLastPathComponent().appendingPathComponent("cli.mp4")
        let exported = try await Subprocess.run(
            try Tools.hlsseg(),
            ["export", root.appendingPathComponent("clip").path, "-o", cli.path, "--start", times["start"]!, "--end", times["end"]!],
            timeout: .seconds(60))
        try #require(exported.succeeded, "\(exported.summary)")
        #expect(try Data(contentsOf: cli) == Data(whole.body), "HTTP and hlsseg export made different files")

        let head = try HTTPExchange.send(port: port, method: "HEAD", path: location)
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == String(whole.body.count))

        var generator = SeededRandom(seed: 19)
        let size = whole.body.count
        for _ in 0..<12 {
            let first = Int.random(in: 0..<size, using: &generator)
            let last = min(size - 1, first + Int.random(in: 0..<200_000, using: &generator))
            let part = try HTTPExchange.send(port: port, path: location, headers: ["Range": "bytes=\(first)-\(last)"])
            #expect(part.status == 206)
            #expect(part.headers["content-range"] == "bytes \(first)-\(last)/\(size)")
            #expect(part.body == Array(whole.body[first...last]), "bytes \(first)-\(last)")
        }
        let suffix = try HTTPExchange.send(port: port, path: location, headers: ["Range": "bytes=-1000"])
        #expect(suffix.status == 206 && suffix.body == Array(whole.body.suffix(1000)))
        let past = try HTTPExchange.send(port: port, path: location, headers: ["Range": "bytes=\(size)-"])
        #expect(past.status == 416 && past.headers["content-range"] == "bytes */\(size)")

        let download = try HTTPExchange.send(port: port, method: "HEAD", path: location + "&download=1")
        #expect(download.headers["content-disposition"]?.hasPrefix("attachment; filename=\"clip-20") == true, "\(download.headers)")
    }

    @Test("hlsseg export reads a playlist over HTTP: the same file as from the folder")
    func exportFromURL() async throws {
        let (server, port, root) = try await Self.served("from-url")
        defer { server.stop() }
        let directory = root.deletingLastPathComponent()
        var files: [Data] = []
        for (name, input) in [("url.mp4", "http://127.0.0.1:\(port)/hls/clip/index.m3u8"), ("folder.mp4", root.path + "/clip")] {
            let out = directory.appendingPathComponent(name)
            let result = try await Subprocess.run(
                try Tools.hlsseg(), ["export", input, "-o", out.path, "--start", "3", "--end", "9"], timeout: .seconds(60))
            try #require(result.succeeded, "\(result.summary)")
            files.append(try Data(contentsOf: out))
        }
        #expect(files[0] == files[1], "exports from the URL and from the folder differ: \(files[0].count) and \(files[1].count) bytes")

        let missing = directory.appendingPathComponent("missing.mp4")
        let refused = try await Subprocess.run(
            try Tools.hlsseg(), ["export", "http://127.0.0.1:\(port)/hls/nothing/index.m3u8", "-o", missing.path], timeout: .seconds(60))
        #expect(!refused.succeeded && refused.stderrLines.last?.hasPrefix("hlsseg: error: cannot fetch") == true, "\(refused.summary)")
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test("a stretch outside the recording, a bad time, an unknown stream, and too long a stretch: refused with a JSON reason")
    func refusals() async throws {
        let (server, port, _) = try await Self.served("refusals", extra: ["--export-max-duration", "5"])
        defer { server.stop() }
        let cases: [(String, Int)] = [
            ("/api/streams/clip/export.mp4?start=60&end=70", 416),
            ("/api/streams/clip/export.mp4?start=soon", 400),
            ("/api/streams/nothing/export.mp4?start=0&end=2", 404),
            ("/api/streams/clip/export.mp4?start=0&end=8", 400),
        ]
        for (path, status) in cases {
            let answer = try HTTPExchange.send(port: port, path: path)
            #expect(answer.status == status, "\(path): \(answer.status) \(answer.text)")
            #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true, "\(path): \(answer.headers)")
            #expect(answer.text.contains("\"error\""), "\(path): \(answer.text)")
        }
    }

    @Test("the last 60 s of a live RTMP stream, exported while it is being recorded")
    func liveStretch() async throws {
        let directory = try TestScratch.directory("export-http/live")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let (httpPort, rtmpPort) = (try freeLoopbackPort(), try freeLoopbackPort())
        let server = try ServeProcess.start(
            [
                "serve", "--root", root.path, "--http-port", "\(httpPort)", "--rtmp-host", "127.0.0.1", "--rtmp-port", "\(rtmpPort)",
                "--log-level", "warning",
            ], log: directory.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await waitUntil("the RTMP and HTTP ports accept connections", seconds: 30) {
            canConnect(port: rtmpPort) && canConnect(port: httpPort)
        }
        // 120 s of media sent at four times real time: 60 s are recorded after 15 s, and the
        // publisher goes on for another 15.
        let publisher = try ServeProcess.start(
            [
                "-nostdin", "-v", "error", "-readrate", "4", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "120", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
                "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:\(rtmpPort)/live/cam",
            ], executable: try Tools.ffmpeg(), log: directory.appendingPathComponent("publisher.log"))
        defer { publisher.stop() }
        let playlist = root.appendingPathComponent("cam/index.m3u8")
        try await waitUntil("64 s of the live stream recorded", seconds: 60) {
            let text = (try? String(contentsOf: playlist, encoding: .utf8)) ?? ""
            let seconds = text.split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }
                .compactMap { Double($0.dropFirst("#EXTINF:".count).split(separator: ",").first ?? "") }.reduce(0, +)
            return seconds >= 64
        }
        let asked = try HTTPExchange.send(port: httpPort, path: "/api/streams/cam/export.mp4?start=-60")
        #expect(asked.status == 302, "\(asked.status) \(asked.text)")
        let location = try #require(asked.headers["location"])
        let answer = try HTTPExchange.send(port: httpPort, path: location)
        #expect(answer.status == 200, "\(answer.status) \(answer.text.prefix(300))")
        #expect(publisher.isRunning, "the publisher ended before the export: not a live recording")
        #expect(!((try? String(contentsOf: playlist, encoding: .utf8)) ?? "").contains("#EXT-X-ENDLIST"))

        let file = directory.appendingPathComponent("live.mp4")
        try Data(answer.body).write(to: file)
        let decode = try await Probe.decode(file)
        #expect(decode.succeeded && decode.stderrLines.isEmpty, "\(decode.summary)")
        let duration = try await Subprocess.run(
            try Tools.ffprobe(), ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file.path], timeout: .seconds(30))
        let seconds = Double(duration.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(abs(seconds - 60) < 0.1, "exported \(seconds) s")
    }
}
