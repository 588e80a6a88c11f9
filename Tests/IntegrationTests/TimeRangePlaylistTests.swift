import Foundation
import TestSupport
import Testing

/// `GET /hls/<name>/index.m3u8?start=T&end=T` against the built binary.
@Suite("time-range playlists", .timeLimit(.minutes(3)))
struct TimeRangePlaylistTests {
    @Test("the overlapping segments as a VOD playlist ffmpeg decodes; without end an EVENT playlist; the plain playlist unchanged")
    func overlappingSegments() async throws {
        let (server, port, root) = try await ExportHTTPTests.served("time-range")
        defer { server.stop() }
        let stream = root.appendingPathComponent("clip")
        let answer = try HTTPExchange.send(port: port, path: "/hls/clip/index.m3u8?start=3&end=9")
        #expect(answer.status == 200, "\(answer.text)")
        let lines = answer.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("#EXT-X-PLAYLIST-TYPE:VOD") && lines.last == "#EXT-X-ENDLIST", "\(answer.text)")
        let uris = lines.filter { !$0.hasPrefix("#") }
        // 2-s segments: 2–4, 4–6, 6–8 and 8–10 s overlap 3–9.
        #expect(uris == ["seg1.m4s", "seg2.m4s", "seg3.m4s", "seg4.m4s"], "\(answer.text)")
        #expect(lines.contains("#EXT-X-MEDIA-SEQUENCE:1"))
        #expect(lines.contains { $0.hasPrefix("#EXT-X-MAP:") } && lines.contains { $0.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") })
        for uri in uris { #expect(FileManager.default.fileExists(atPath: stream.appendingPathComponent(uri).path), "\(uri)") }

        let decode = try await Subprocess.run(
            try Tools.ffmpeg(),
            ["-nostdin", "-v", "error", "-i", "http://127.0.0.1:\(port)/hls/clip/index.m3u8?start=3&end=9", "-f", "null", "-"],
            timeout: .seconds(60))
        #expect(decode.succeeded && decode.stderrLines.isEmpty, "\(decode.summary)")

        let open = try HTTPExchange.send(port: port, path: "/hls/clip/index.m3u8?start=5")
        #expect(open.status == 200 && open.text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"), "\(open.text)")
        #expect(!open.text.contains("seg1.m4s") && open.text.contains("seg2.m4s"))

        let plain = try HTTPExchange.send(port: port, path: "/hls/clip/index.m3u8?cache=1")
        #expect(plain.body == Array(try Data(contentsOf: stream.appendingPathComponent("index.m3u8"))))

        for path in ["/hls/clip/index.m3u8?start=soon", "/hls/clip/index.m3u8?start=9&end=3", "/hls/clip/index.m3u8?start=100"] {
            let refused = try HTTPExchange.send(port: port, path: path)
            #expect(refused.status == 400 && refused.text.contains("\"error\""), "\(path): \(refused.status) \(refused.text)")
        }
    }
}
