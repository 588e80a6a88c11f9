import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import HTTPServe

@Suite("headers of playlists, segments and init files")
struct HeaderTests {
    @Test func contentTypesAndCaching() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("live")
        try fixture.makeSimpleStream("done", ended: true)
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/hls/live/index.m3u8", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.header(.contentType) == "application/vnd.apple.mpegurl")
                #expect(response.header(.cacheControl) == "no-cache")
                #expect(response.header(.accessControlAllowOrigin) == "*")
                #expect(response.header(.acceptRanges) == "bytes")
                #expect(response.header(.vary) == "Accept-Encoding")
                #expect(response.text.hasPrefix("#EXTM3U"))
            }
            try await client.execute(uri: "/hls/done/index.m3u8", method: .get) { response in
                #expect(response.header(.cacheControl) == "public, max-age=10")
            }
            try await client.execute(uri: "/hls/live/seg0.m4s", method: .get) { response in
                #expect(response.header(.contentType) == "video/iso.segment")
                #expect(response.header(.cacheControl) == "public, max-age=31536000, immutable")
                #expect(response.header(.contentLength) == "1000")
                #expect(response.body.readableBytes == 1000)
            }
            try await client.execute(uri: "/hls/live/init.mp4", method: .get) { response in
                #expect(response.header(.contentType) == "video/mp4")
                #expect(response.header(.cacheControl) == "public, max-age=31536000, immutable")
            }
        }
    }

    @Test func etagAndLastModifiedChangeOnEveryRewriteEvenWithinOneSecond() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.router) { client in
            var tags: [String] = []
            for round in 0..<3 {
                // Same size every time: only inode / mtime nanoseconds tell the versions apart.
                try fixture.write(
                    Fixture.playlist(segments: 3, ended: false).replacingOccurrences(of: "seg0", with: "seg\(round)"), stream: "cam",
                    file: "index.m3u8")
                let tag = try await client.execute(uri: "/hls/cam/index.m3u8", method: .get) { response in
                    #expect(response.header(.lastModified)?.hasSuffix(" GMT") == true)
                    return response.header(.eTag) ?? ""
                }
                tags.append(tag)
            }
            #expect(Set(tags).count == 3)
            // The newest tag gives 304, an older one the new playlist.
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.ifNoneMatch: tags[2]]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
                #expect(response.header(.eTag) == tags[2])
                #expect(response.header(.cacheControl) == "no-cache")
            }
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.ifNoneMatch: tags[0]]) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("seg2.m4s"))
            }
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.ifNoneMatch: "\"x\", \(tags[2])"]) {
                #expect($0.status == .notModified)
            }
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.ifNoneMatch: "*"]) {
                #expect($0.status == .notModified)
            }
        }
    }

    @Test func ifModifiedSince() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.router) { client in
            let segmentDate = try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get) { $0.header(.lastModified)! }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get, headers: [.ifModifiedSince: segmentDate]) {
                #expect($0.status == .notModified)
            }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get, headers: [.ifModifiedSince: "Thu, 01 Jan 1970 00:00:00 GMT"]) {
                #expect($0.status == .ok)
            }
            // A playlist may change twice within its Last-Modified second: the same date is not proof.
            let playlistDate = try await client.execute(uri: "/hls/cam/index.m3u8", method: .get) { $0.header(.lastModified)! }
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.ifModifiedSince: playlistDate]) {
                #expect($0.status == .ok)
            }
            let later = HTTPDate.format(secondsSince1970: HTTPDate.parse(playlistDate)! + 1)
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.ifModifiedSince: later]) {
                #expect($0.status == .notModified)
            }
            // If-None-Match wins over If-Modified-Since.
            try await client.execute(
                uri: "/hls/cam/seg0.m4s", method: .get, headers: [.ifModifiedSince: segmentDate, .ifNoneMatch: "\"other\""]
            ) { #expect($0.status == .ok) }
        }
    }

    @Test(
        arguments: [
            ("bytes=0-9", 206, "bytes 0-9/1000", 0, 10),
            ("bytes=990-", 206, "bytes 990-999/1000", 990, 10),
            ("bytes=-10", 206, "bytes 990-999/1000", 990, 10),
            ("bytes=-5000", 206, "bytes 0-999/1000", 0, 1000),
            ("bytes=500-99999", 206, "bytes 500-999/1000", 500, 500),
            ("bytes=999-999", 206, "bytes 999-999/1000", 999, 1),
            ("bytes=0-0", 206, "bytes 0-0/1000", 0, 1),
            ("bytes=1000-", 416, "bytes */1000", 0, 0),
            ("bytes=5000-6000", 416, "bytes */1000", 0, 0),
            ("bytes=-0", 416, "bytes */1000", 0, 0),
            ("bytes=0-1,5-6", 200, nil, 0, 1000),
            ("bytes=9-1", 200, nil, 0, 1000),
            ("bytes=abc", 200, nil, 0, 1000),
            ("items=0-1", 200, nil, 0, 1000),
            ("bytes=-", 200, nil, 0, 1000),
        ] as [(String, Int, String?, Int, Int)])
    func ranges(header: String, status: Int, contentRange: String?, first: Int, count: Int) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get, headers: [.range: header]) { response in
                #expect(response.status.code == status)
                #expect(response.header(.contentRange) == contentRange)
                #expect(response.body.readableBytes == count)
                #expect(response.header(.contentLength) == String(count))
                let bytes = Array(response.body.readableBytesView)
                #expect(bytes == (first..<first + count).map { UInt8($0 % 256) })
            }
        }
    }

    @Test func ifRange() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.router) { client in
            let tag = try await client.execute(uri: "/hls/cam/seg0.m4s", method: .head) { $0.header(.eTag)! }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get, headers: [.range: "bytes=0-1", .ifRange: tag]) {
                #expect($0.status == .partialContent)
            }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get, headers: [.range: "bytes=0-1", .ifRange: "\"old\""]) {
                #expect($0.status == .ok)
                #expect($0.body.readableBytes == 1000)
            }
        }
    }

    @Test func head() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.header(.contentLength) == "1000")
                #expect(response.body.readableBytes == 0)
                #expect(response.header(.eTag) != nil)
            }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .head, headers: [.range: "bytes=-100"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.header(.contentLength) == "100")
                #expect(response.header(.contentRange) == "bytes 900-999/1000")
            }
            try await client.execute(uri: "/hls/cam/nothing.m4s", method: .head) { #expect($0.status == .notFound) }
        }
    }

    @Test func gzipForPlaylistsOnly() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.write(Fixture.playlist(segments: 400, ended: false), stream: "cam", file: "index.m3u8")
        try fixture.write([UInt8](repeating: 1, count: 5000), stream: "cam", file: "seg0.m4s")
        let plain = Fixture.playlist(segments: 400, ended: false)
        try await fixture.app().test(.router) { client in
            let identityTag = try await client.execute(uri: "/hls/cam/index.m3u8", method: .get) { response in
                #expect(response.header(.contentEncoding) == nil)
                return response.header(.eTag)!
            }
            let (compressed, tag) = try await client.execute(
                uri: "/hls/cam/index.m3u8", method: .get, headers: [.acceptEncoding: "br;q=1.0, gzip;q=0.8"]
            ) { response in
                #expect(response.header(.contentEncoding) == "gzip")
                #expect(response.header(.vary) == "Accept-Encoding")
                #expect(Int(response.header(.contentLength)!) == response.body.readableBytes)
                return (Array(response.body.readableBytesView), response.header(.eTag)!)
            }
            #expect(tag != identityTag)
            #expect(compressed.count * 5 < plain.utf8.count)
            #expect(try Gunzip.run(compressed) == Array(plain.utf8))
            // Either tag revalidates.
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: tag]) {
                #expect($0.status == .notModified)
            }
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.acceptEncoding: "gzip;q=0"]) {
                #expect($0.header(.contentEncoding) == nil)
            }
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get, headers: [.acceptEncoding: "gzip", .range: "bytes=0-6"]) {
                #expect($0.header(.contentEncoding) == nil)
                #expect($0.text == "#EXTM3U")
            }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get, headers: [.acceptEncoding: "gzip"]) {
                #expect($0.header(.contentEncoding) == nil)
            }
        }
    }

    @Test func corsConfigurable() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app(cors: "https://example.test").test(.router) { client in
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get) {
                #expect($0.header(.accessControlAllowOrigin) == "https://example.test")
                #expect($0.header(.accessControlExposeHeaders)?.contains("Content-Range") == true)
            }
            try await client.execute(
                uri: "/hls/cam/seg0.m4s", method: .options,
                headers: [.origin: "https://example.test", .accessControlRequestMethod: "GET", .accessControlRequestHeaders: "range"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.header(.accessControlAllowHeaders) == "range")
            }
            try await client.execute(uri: "/hls/cam/missing.m4s", method: .get) {
                #expect($0.status == .notFound)
                #expect($0.header(.accessControlAllowOrigin) == "https://example.test")
            }
        }
        try await fixture.app(cors: nil).test(.router) { client in
            try await client.execute(uri: "/hls/cam/index.m3u8", method: .get) {
                #expect($0.header(.accessControlAllowOrigin) == nil)
            }
        }
    }

    @Test func gzipEncoderRoundTrips() throws {
        let inputs: [[UInt8]] = [
            [], Array("a".utf8), Array(String(repeating: "abc", count: 20000).utf8),
            (0..<70000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) },
            Array(Fixture.playlist(segments: 3000, ended: true).utf8),
        ]
        for input in inputs {
            #expect(try Gunzip.run(Gzip.compress(input)) == input)
        }
    }
}

/// The system's gzip as the independent decoder.
enum Gunzip {
    static func run(_ bytes: [UInt8]) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.path + "/hlsseg-gz-\(UUID().uuidString).gz"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = path + ".out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try Subprocess.runBlocking("/bin/sh", ["-c", "gzip -dc \(shellQuoted(path)) > \(shellQuoted(output))"])
        #expect(result.succeeded, "\(result.summary)")
        return Array((try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data())
    }
}
