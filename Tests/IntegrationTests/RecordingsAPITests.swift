import Foundation
import TestSupport
import Testing

/// `GET /api/streams/<name>/recordings` on a recording whose publisher came back twice.
@Suite("recordings API", .timeLimit(.minutes(3)))
struct RecordingsAPITests {
    struct Span: Decodable {
        var start: String
        var end: String
        var duration: Double
        var segments: Int
    }

    @Test("three runs joined with append_list are three spans; a range keeps the overlapping segments; bad ranges are refused")
    func threeRunsThreeSpans() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("recordings-api")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let stream = root.appendingPathComponent("cam")
        for flags in ["program_date_time", "program_date_time+append_list", "program_date_time+append_list"] {
            let run = try await runSegment(
                inputs: [source], outputDirectory: stream, arguments: ["--hls-playlist-type", "event", "--hls-flags", flags])
            try #require(run.succeeded, "\(run.summary)")
        }
        let port = try freeLoopbackPort()
        let server = try ServeProcess.start(
            ["serve", "--root", root.path, "--http-port", "\(port)", "--no-rtmp", "--log-level", "warning"],
            log: directory.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await waitUntil("the HTTP port accepts connections", seconds: 30) { canConnect(port: port) }

        let playlist = try String(contentsOf: stream.appendingPathComponent("index.m3u8"), encoding: .utf8)
        let segmentCount = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXTINF") }.count
        let all = try HTTPExchange.send(port: port, path: "/api/streams/cam/recordings")
        #expect(all.status == 200, "\(all.text)")
        let spans = try JSONDecoder().decode([Span].self, from: Data(all.body))
        #expect(spans.count == 3, "\(all.text)")
        #expect(spans.map(\.segments).reduce(0, +) == segmentCount)
        for span in spans {
            #expect(abs(span.duration - 10) < 2.1, "each run is 10 s, within a segment: \(span)")
            #expect(span.start.hasSuffix("Z") && span.start.contains("."), "ISO 8601 with milliseconds: \(span.start)")
        }

        // The first run's last seconds and the second's first: two spans, cut to whole segments.
        let ranged = try HTTPExchange.send(port: port, path: "/api/streams/cam/recordings?start=9&end=11")
        let cut = try JSONDecoder().decode([Span].self, from: Data(ranged.body))
        #expect(cut.count == 2 && cut.allSatisfy { $0.segments == 1 }, "\(ranged.text)")

        for (path, status) in [
            ("/api/streams/cam/recordings?start=20&end=10", 400), ("/api/streams/cam/recordings?start=soon", 400),
            ("/api/streams/cam/recordings?start=100", 400), ("/api/streams/nothing/recordings", 404),
        ] {
            let answer = try HTTPExchange.send(port: port, path: path)
            #expect(answer.status == status && answer.text.contains("\"error\""), "\(path): \(answer.status) \(answer.text)")
        }
    }
}
