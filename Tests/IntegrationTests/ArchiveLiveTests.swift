import Foundation
import TestSupport
import Testing

/// A live stream kept as an archive by `hlsseg serve`, end to end: RTMP publishers (ffmpeg),
/// the archive playlists, the index behind the recordings API and time-range playlists, and
/// retention with small limits and short periods, across a SIGKILL and a restart.
@Suite("archive of a live stream", .timeLimit(.minutes(4)))
struct ArchiveLiveTests {
    struct Span: Decodable {
        var start: String
        var end: String
        var duration: Double
        var segments: Int
    }

    /// ffmpeg publishing `seconds` of a test pattern (2-s GOPs) at real time to `stream`, with a
    /// tone unless `bitRate` is given (a high bit rate makes big segments: video only).
    static func publish(port: Int, stream: String, seconds: Int, log: URL, size: String = "320x180", bitRate: String? = nil) throws
        -> ServeProcess
    {
        var arguments = ["-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25"]
        if bitRate == nil { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"] }
        arguments += ["-t", "\(seconds)", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50"]
        arguments += bitRate.map { ["-b:v", $0] } ?? ["-c:a", "aac"]
        arguments += ["-f", "flv", "rtmp://127.0.0.1:\(port)/live/\(stream)"]
        return try ServeProcess.start(arguments, executable: try Tools.ffmpeg(), log: log)
    }

    static func waitForExit(_ process: ServeProcess, seconds: Double) async throws {
        try await waitUntil("the publisher ends", seconds: seconds) { !process.isRunning }
    }

    static func date(_ iso: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: iso)
    }

    @Test("a publisher that reconnects twice makes three spans; the middle one's time-range playlist lists its segments and decodes")
    func reconnectsAreSpans() async throws {
        let directory = try TestScratch.directory("archive-live/spans")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let (httpPort, rtmpPort) = (try freeLoopbackPort(), try freeLoopbackPort())
        let server = try ServeProcess.start(
            [
                "serve", "--root", root.path, "--http-port", "\(httpPort)", "--rtmp-host", "127.0.0.1", "--rtmp-port", "\(rtmpPort)",
                "--archive-period", "10s", "--dvr-window", "8s", "--idle-timeout", "30", "--log-level", "warning",
            ], log: directory.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await waitUntil("the RTMP and HTTP ports accept connections", seconds: 30) {
            canConnect(port: rtmpPort) && canConnect(port: httpPort)
        }
        var started: [Date] = []
        for run in 0..<3 {
            started.append(Date())
            let publisher = try Self.publish(
                port: rtmpPort, stream: "cam", seconds: 8, log: directory.appendingPathComponent("publisher-\(run).log"))
            try await Self.waitForExit(publisher, seconds: 40)
            try await Task.sleep(for: .seconds(3))
        }
        let answer = try HTTPExchange.send(port: httpPort, path: "/api/streams/cam/recordings")
        #expect(answer.status == 200, "\(answer.text)")
        let spans = try JSONDecoder().decode([Span].self, from: Data(answer.body))
        try #require(spans.count == 3, "\(answer.text)\n\(server.logText)")
        for (span, start) in zip(spans, started) {
            // ±1 segment (2 s), plus the publisher's connection and the first GOP.
            let spanStart = try #require(Self.date(span.start))
            #expect(abs(spanStart.timeIntervalSince(start)) < 3, "span \(span) vs publisher start \(start)")
            #expect(abs(span.duration - 8) <= 2.1, "each run is 8 s, within a segment: \(span)")
        }

        // The archive playlists list every segment the spans count, and each listed file exists.
        let stream = root.appendingPathComponent("cam")
        let names = try FileManager.default.contentsOfDirectory(atPath: stream.path)
        let archives = names.filter { $0.hasPrefix("archive-") && $0.hasSuffix(".m3u8") }.sorted()
        #expect(archives.count >= 3, "\(names.sorted())")
        var archived: [String] = []
        for name in archives {
            let playlist = try PlaylistFile(contentsOf: stream.appendingPathComponent(name))
            // The stream is idle, not ended: its period's playlist is still open.
            #expect(playlist.playlistType == "EVENT" && playlist.hasEndList == (name != archives.last), "\(name)")
            archived += playlist.entries.map(\.uri)
        }
        #expect(archived.count == spans.map(\.segments).reduce(0, +))
        for uri in archived { #expect(names.contains(uri), "\(uri) is listed but missing") }

        // The middle span as a playlist: VOD, exactly its segments, decodable over HTTP.
        let middle = spans[1]
        let path = "/hls/cam/index.m3u8?start=\(middle.start)&end=\(middle.end)"
        let ranged = try HTTPExchange.send(port: httpPort, path: path)
        #expect(ranged.status == 200, "\(ranged.text)")
        let playlist = try PlaylistFile(text: ranged.text)
        #expect(playlist.playlistType == "VOD" && playlist.hasEndList)
        #expect(playlist.entries.count == middle.segments, "\(ranged.text)")
        for segment in playlist.entries { #expect(names.contains(segment.uri), "\(segment.uri) is listed but missing") }
        let decode = try await Subprocess.run(
            try Tools.ffmpeg(), ["-nostdin", "-v", "error", "-i", "http://127.0.0.1:\(httpPort)\(path)", "-f", "null", "-"],
            timeout: .seconds(60))
        #expect(decode.succeeded && decode.stderrLines.isEmpty, "\(decode.summary)")
    }

    /// Disk use, listed files and EVENT playlists, as a client and an operator see them.
    struct Watcher {
        let stream: URL
        let limit: Int
        var seen: [String: [String]] = [:]
        var largestSegment = 0
        var observations = 0
        var peak = 0

        /// Observes every 150 ms for `duration`.
        mutating func observe(for duration: Duration) async throws {
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                try observe()
                try await Task.sleep(for: .milliseconds(150))
            }
        }

        mutating func observe() throws {
            observations += 1
            let names = (try? FileManager.default.contentsOfDirectory(atPath: stream.path)) ?? []
            var bytes = 0
            for name in names where name.hasSuffix(".m4s") && !name.hasPrefix(".") {
                let attributes = try? FileManager.default.attributesOfItem(atPath: stream.appendingPathComponent(name).path)
                let size = attributes?[.size] as? Int ?? 0
                bytes += size
                largestSegment = max(largestSegment, size)
            }
            peak = max(peak, bytes)
            #expect(bytes <= limit + largestSegment, "segments take \(bytes) bytes; the limit is \(limit) plus one segment")
            for name in names where name.hasSuffix(".m3u8") && !name.hasPrefix(".") {
                guard let text = try? String(contentsOf: stream.appendingPathComponent(name), encoding: .utf8),
                    let playlist = try? PlaylistFile(text: text)
                else { continue }  // removed whole meanwhile
                for segment in playlist.entries
                where !FileManager.default.fileExists(atPath: stream.appendingPathComponent(segment.uri).path) {
                    // Retention takes a segment out of the playlists before its file goes:
                    // a playlist read before that may name it; the playlist now must not.
                    let now = (try? String(contentsOf: stream.appendingPathComponent(name), encoding: .utf8)) ?? ""
                    #expect(!now.split(separator: "\n").contains(Substring(segment.uri)), "\(name) lists \(segment.uri), which is gone")
                }
                guard name.hasPrefix("archive-") else { continue }
                #expect(playlist.playlistType == "EVENT", "\(name)")
                let uris = playlist.entries.map(\.uri)
                if let before = seen[name] {
                    #expect(Array(uris.prefix(before.count)) == before, "\(name) lost an entry")
                }
                seen[name] = uris
            }
        }
    }

    @Test("retention keeps the disk within the limit at every observation, and after a SIGKILL and a restart")
    func retentionHolds() async throws {
        let directory = try TestScratch.directory("archive-live/retention")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let (httpPort, rtmpPort) = (try freeLoopbackPort(), try freeLoopbackPort())
        let limit = 1_000_000
        let arguments = [
            "serve", "--root", root.path, "--http-port", "\(httpPort)", "--rtmp-host", "127.0.0.1", "--rtmp-port", "\(rtmpPort)",
            "--archive-period", "6s", "--dvr-window", "6s", "--retain-max-size", "1MB", "--retain-for", "1m",
            "--idle-timeout", "5", "--log-level", "info",
        ]
        var watcher = Watcher(stream: root.appendingPathComponent("cam"), limit: limit)
        let first = try ServeProcess.start(arguments, log: directory.appendingPathComponent("first.log"))
        try await waitUntil("the first server listens", seconds: 30) { canConnect(port: rtmpPort) && canConnect(port: httpPort) }
        // A high bit rate, so that 1 MB holds a few segments only.
        let publisher = try Self.publish(
            port: rtmpPort, stream: "cam", seconds: 60, log: directory.appendingPathComponent("publisher.log"), size: "640x360",
            bitRate: "1500k")
        defer { publisher.stop() }
        try await watcher.observe(for: .seconds(24))
        let removed = try httpGet(port: httpPort, path: "/metrics")
        #expect(removed.contains("hlsseg_archive_removed_bytes_total{stream=\"cam\"}"), "metrics: \(removed.prefix(2000))")
        first.kill()
        publisher.stop()
        try watcher.observe()

        // Restarted: the limits hold from the start, and again while a new publisher records.
        let second = try ServeProcess.start(arguments, log: directory.appendingPathComponent("second.log"))
        defer { second.stop() }
        try await waitUntil("the second server listens", seconds: 30) { canConnect(port: rtmpPort) && canConnect(port: httpPort) }
        let again = try Self.publish(
            port: rtmpPort, stream: "cam", seconds: 60, log: directory.appendingPathComponent("publisher-2.log"), size: "640x360",
            bitRate: "1500k")
        defer { again.stop() }
        try await watcher.observe(for: .seconds(16))
        // Every 150 ms when the machine is idle; at least one a second over the 40 s when it is busy.
        #expect(watcher.observations >= 40, "observations: \(watcher.observations)")
        #expect(watcher.peak > limit / 2, "the stream never came near the limit (peak \(watcher.peak) bytes): the test proves nothing")
        #expect(watcher.seen.count >= 3, "archive playlists seen: \(watcher.seen.keys.sorted())")
        let spans = try HTTPExchange.send(port: httpPort, path: "/api/streams/cam/recordings")
        #expect(spans.status == 200, "\(spans.text)")
    }
}
