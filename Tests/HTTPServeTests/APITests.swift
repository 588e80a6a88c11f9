import Foundation
import Hummingbird
import HummingbirdTesting
import Live
import Testing

@testable import HTTPServe

@Suite("JSON API, health, metrics and the www page")
struct APITests {
    @Test func streamListFromARealStream() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.makeRealStream("clip")
        try fixture.makeSimpleStream("growing")
        try FileManager.default.createDirectory(atPath: fixture.root + "/empty", withIntermediateDirectories: true)
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/streams", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.header(.contentType) == "application/json; charset=utf-8")
                let list = try JSONDecoder().decode(HLSServer.StreamList.self, from: Data(response.body.readableBytesView))
                #expect(list.streams.map(\.name) == ["clip", "growing"])
                let clip = list.streams[0]
                #expect(clip.state == "ended" && !clip.live)
                #expect(abs(clip.duration - 8) < 0.05)
                #expect(clip.width == DemoClip.width && clip.height == DemoClip.height)
                #expect(clip.codecs.count == 2)
                #expect(clip.codecs[0].hasPrefix("avc1.64"))
                #expect(clip.codecs[1] == "mp4a.40.2")
                #expect((clip.bitrate ?? 0) > 500_000)
                #expect(clip.segments == 4)
                #expect(clip.playlist == "/hls/clip/index.m3u8")
                #expect(list.streams[1].state == "live")
            }
            try await client.execute(uri: "/api/streams/clip", method: .get) { response in
                let info = try JSONDecoder().decode(StreamInfo.self, from: Data(response.body.readableBytesView))
                #expect(info.name == "clip")
            }
            try await client.execute(uri: "/api/streams/nope", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/streams/..", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.text == "{\"status\":\"ok\"}") }
            try await client.execute(uri: "/hls/clip/seg1.m4s", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.header(.contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = response.text
                #expect(text.contains(#"hlsseg_stream_segments_written{stream="clip"} 4"#))
                #expect(text.contains(#"hlsseg_stream_live{stream="growing"} 1"#))
                #expect(text.contains(#"hlsseg_stream_bytes{stream="clip"}"#))
                #expect(text.contains(#"hlsseg_http_requests_total{route="/hls/**",status="200"} 1"#))
                #expect(
                    text.contains(#"hlsseg_http_requests_total{route="/api/streams/{name}",status="404"}"#)
                        || text.contains(#"route="/api/streams/:name",status="404""#))
            }
        }
    }

    @Test func pageFiles() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.header(.contentType) == "text/html; charset=utf-8")
                #expect(response.header(.cacheControl) == "no-cache")
                #expect(response.text.contains("<title>home</title>"))
            }
            try await client.execute(uri: "/app.js", method: .get) {
                #expect($0.header(.contentType) == "text/javascript; charset=utf-8")
            }
            try await client.execute(uri: "/index.html?x=1", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/nothing.html", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func theRepositoryPageIsComplete() async throws {
        // The real www/: every file the pages reference exists and is served.
        let repoWWW = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("www").path
        let fixture = try Fixture()
        defer { fixture.remove() }
        let server = try HLSServer(configuration: ServeConfiguration(root: fixture.root, www: repoWWW), logger: Fixture.logger)
        try await Application(router: server.buildRouter()).test(.router) { client in
            for page in ["/", "/player.html"] {
                let html = try await client.execute(uri: page, method: .get) { $0.text }
                let references = html.matches(of: /(?:src|href)="(\/[a-z\-]+\.(?:js|css))"/).map { String($0.1) }
                #expect(!references.isEmpty)
                for reference in references {
                    try await client.execute(uri: reference, method: .get) { #expect($0.status == .ok, "\(reference)") }
                }
            }
        }
    }
}
