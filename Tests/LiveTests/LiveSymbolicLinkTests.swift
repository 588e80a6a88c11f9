import Foundation
import Live
import TestSupport
import Testing

/// Live ingest never writes outside the root, whatever the root contains: a stream folder or a
/// file in it that is a symbolic link gets the publisher a refusal with the reason, and a link
/// swapped in for the stream folder while it is published does not redirect the writes.
@Suite("Live ingest and symbolic links in the root", .serialized, .timeLimit(.minutes(3)))
struct LiveSymbolicLinkTests {
    /// A folder outside the root with one file, `secret`, that must never change.
    static func outsideFolder() throws -> String {
        let path = try LiveFixtures.temporaryRoot() + "-outside"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "do not touch\n".write(toFile: path + "/secret", atomically: false, encoding: .utf8)
        return path
    }

    static func checkUntouched(_ outside: String) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["secret"])
        #expect(try String(contentsOfFile: outside + "/secret", encoding: .utf8) == "do not touch\n")
    }

    @Test("a stream folder that is a symbolic link: the publish is refused, nothing is written through it")
    func streamFolderIsALink() async throws {
        let log = RecordingLogHandler.Lines()
        let server = try await LiveTestServer.start(log: log)
        defer { Task { await server.stop() } }
        let outside = try Self.outsideFolder()
        try FileManager.default.createSymbolicLink(atPath: server.root + "/evil", withDestinationPath: outside)
        let result = try await LiveFixtures.publish(port: server.port, key: "evil", realtime: false)
        #expect(result.status != 0, "the publisher must be refused")
        #expect(log.contains("publish of evil refused") && log.contains("symbolic link"), "\(log.all)")
        #expect(await server.hub.state(of: "evil") == nil)
        try Self.checkUntouched(outside)
    }

    @Test("a playlist name that is a symbolic link to a file: the publish is refused, the file is untouched")
    func playlistIsALink() async throws {
        let log = RecordingLogHandler.Lines()
        let server = try await LiveTestServer.start(log: log)
        defer { Task { await server.stop() } }
        let outside = try Self.outsideFolder()
        try FileManager.default.createDirectory(atPath: server.root + "/cam", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: server.root + "/cam/index.m3u8", withDestinationPath: outside + "/secret")
        let result = try await LiveFixtures.publish(port: server.port, key: "cam", realtime: false)
        #expect(result.status != 0, "the publisher must be refused")
        #expect(log.contains("publish of cam refused") && log.contains("index.m3u8"), "\(log.all)")
        try Self.checkUntouched(outside)
    }

    @Test("the stream folder swapped for a symbolic link mid-stream: nothing is written through it")
    func folderSwappedMidStream() async throws {
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let outside = try Self.outsideFolder()
        async let publish = LiveFixtures.publish(port: server.port, key: "cam")
        #expect(await waitUntil(seconds: 30) { server.playlist("cam")?.contains("#EXTINF") == true })
        try FileManager.default.moveItem(atPath: server.root + "/cam", toPath: server.root + "/cam-moved")
        try FileManager.default.createSymbolicLink(atPath: server.root + "/cam", withDestinationPath: outside)
        let result = try await publish
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            await waitUntil(seconds: 30) {
                LiveFixtures.read(server.root + "/cam-moved/index.m3u8")?.contains("#EXT-X-ENDLIST") == true
            })
        try Self.checkUntouched(outside)
    }
}
