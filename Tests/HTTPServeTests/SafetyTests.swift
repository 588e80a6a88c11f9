import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HTTPServe

@Suite("only files under the root and www/ are reachable")
struct SafetyTests {
    /// Raw request targets and the status each must get: 400 for hostile spellings, 404 for
    /// well-formed paths to things that are not served.
    static let cases: [(String, Int)] = [
        ("/hls/../etc/passwd", 400),
        ("/hls/cam/../../etc/passwd", 400),
        ("/hls/cam/..", 400),
        ("/hls/./cam/seg0.m4s", 400),
        ("/hls/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/hls/cam/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400),
        ("/hls/cam/..%2f..%2fsecret.txt", 400),
        ("/hls/cam%2fseg0.m4s", 400),
        ("/hls/cam/%2E%2E", 400),
        ("/hls/cam/seg0.m4s%00.m3u8", 400),
        ("/hls//etc/passwd", 400),
        ("/hls/cam//seg0.m4s", 400),
        ("/hls/cam/seg0.m4s\\..\\..\\x", 400),
        ("/hls/cam/.seg0.m4s.tmp", 404),
        ("/hls/cam/.index.m3u8.tmp", 404),
        ("/hls/.hidden/index.m3u8", 404),
        ("/hls/cam", 404),
        ("/hls/cam/", 400),
        ("/hls/", 404),
        ("/hls/cam/sub/seg0.m4s", 404),
        ("/hls/cam/missing.m4s", 404),
        ("/hls/escape/index.m3u8", 404),
        ("/hls/cam/passwd-link", 404),
        ("/hls/dirlink/index.m3u8", 404),
        ("/hls/inside/index.m3u8", 200),
        ("/hls/cam/alias.m4s", 200),
        ("/../secret.txt", 400),
        ("/%2e%2e/secret.txt", 400),
        ("/sub/", 400),
        ("/sub", 404),
        ("/sub/x.css", 200),
        ("/wwwlink/secret.txt", 404),
        ("/app.js", 200),
        ("/", 200),
    ]

    @Test func traversalList() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream("cam")
        let base = (fixture.root as NSString).deletingLastPathComponent
        try "secret".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: fixture.root + "/cam/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try "#EXTM3U\n".write(toFile: base + "/outside/index.m3u8", atomically: true, encoding: .utf8)
        // Symlinks pointing out of the root are refused; those staying inside are followed.
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/escape", withDestinationPath: base + "/outside")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/cam/passwd-link", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/dirlink", withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/inside", withDestinationPath: fixture.root + "/cam")
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/cam/alias.m4s", withDestinationPath: "seg0.m4s")
        try FileManager.default.createSymbolicLink(atPath: fixture.www + "/wwwlink", withDestinationPath: base)
        try await fixture.app().test(.router) { client in
            for (target, status) in Self.cases {
                try await client.execute(uri: target, method: .get) { response in
                    #expect(response.status.code == status, "GET \(target)")
                    #expect(!response.text.contains("secret"), "GET \(target)")
                    #expect(!response.text.contains("root:x:"), "GET \(target)")
                }
            }
        }
    }

    @Test func pathCheckerAlone() {
        #expect(SafePath.check("seg0.m4s") == nil)
        #expect(SafePath.check("a\u{0}b") == .badRequest)
        #expect(SafePath.check("é.m4s") == .badRequest)
        #expect(SafePath.check("..") == .badRequest)
        #expect(SafePath.check(".x") == .notFound)
        guard case .success(let parts) = SafePath.hlsComponents("/hls/a/b.m4s") else {
            Issue.record()
            return
        }
        #expect(parts.stream == "a" && parts.file == "b.m4s")
    }

    @Test func overLongTargetAndBodies() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/hls/cam/" + String(repeating: "a", count: 3000), method: .get) {
                #expect($0.status == .uriTooLong)
            }
            try await client.execute(
                uri: "/hls/cam/seg0.m4s", method: .get, headers: [.contentLength: "100000"],
                body: ByteBuffer(repeating: 0, count: 100_000)
            ) { #expect($0.status == .contentTooLarge) }
            try await client.execute(uri: "/hls/cam/seg0.m4s", method: .post) { #expect($0.status.code >= 400) }
        }
    }

    /// Through a real socket: NIO's parser in front, a slow client holding a connection open.
    @Test func liveServerRefusesTraversalAndSlowClientsDoNotStallOthers() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.makeSimpleStream()
        try await fixture.app().test(.live) { client in
            try await client.execute(uri: "/hls/../../etc/passwd", method: .get) { #expect($0.status.code == 400) }
            try await client.execute(uri: "/hls/%2e%2e/%2e%2e/etc/passwd", method: .get) { #expect($0.status.code == 400) }
            // A client that sent half a request line and stalls.
            let port = client.port!
            let stalled = try StalledSocket(port: port)
            defer { stalled.close() }
            for _ in 0..<20 {
                try await client.execute(uri: "/hls/cam/seg0.m4s", method: .get) { #expect($0.status == .ok) }
            }
        }
    }
}

/// A TCP connection that sends the start of a request and then nothing.
final class StalledSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard connectToLoopback(fd, port: port) else { throw POSIXError(.ECONNREFUSED) }
        let partial = Array("GET /hls/cam/seg0.m4s HTTP/1.1\r\nHost: x\r\n".utf8)
        _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }

    func close() { _ = Glibc.close(fd) }
}
