import Foundation
import HTTPServe
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Live
import Logging
import Packager
import TestSupport
import Testing

@testable import HTTPServe
@testable import Live

/// A temporary stream root (+ www/) with a stream written by the real packager from the demo
/// clip (made once by ffmpeg into a shared cache folder).
struct Fixture {
    let root: String
    let www: String

    static let cache = FileManager.default.temporaryDirectory.path + "/hlsseg-httpserve-tests-cache"
    static let logger = Logger(label: "test")

    init() throws {
        let base = TestScratch.root.path + "/httpserve-\(UUID().uuidString)"
        root = base + "/streams"
        www = base + "/www"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: www + "/sub", withIntermediateDirectories: true)
        try "<!doctype html><title>home</title>".write(toFile: www + "/index.html", atomically: true, encoding: .utf8)
        try "console.log(1)".write(toFile: www + "/app.js", atomically: true, encoding: .utf8)
        try "x".write(toFile: www + "/sub/x.css", atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }

    /// Writes `text` to `<root>/<stream>/<file>` the way the packager does: temp file + rename.
    func write(_ text: String, stream: String, file: String) throws {
        try write(Array(text.utf8), stream: stream, file: file)
    }

    func write(_ bytes: [UInt8], stream: String, file: String) throws {
        let folder = root + "/" + stream
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/." + file + ".tmp"
        _ = FileManager.default.createFile(atPath: temporary, contents: Data(bytes))
        _ = rename(temporary, folder + "/" + file)
    }

    /// A fake stream: a playlist listing `seg0.m4s` (1000 bytes 0…255 repeating) and `init.mp4`.
    func makeSimpleStream(_ name: String = "cam", ended: Bool = false) throws {
        try write(Self.playlist(segments: 3, ended: ended), stream: name, file: "index.m3u8")
        try write((0..<1000).map { UInt8($0 % 256) }, stream: name, file: "seg0.m4s")
        try write([UInt8](repeating: 7, count: 100), stream: name, file: "init.mp4")
    }

    static func playlist(segments: Int, ended: Bool) -> String {
        var text = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI=\"init.mp4\"\n"
        for index in 0..<segments { text += "#EXTINF:2.000000,\nseg\(index).m4s\n" }
        if ended { text += "#EXT-X-ENDLIST\n" }
        return text
    }

    /// A real stream from the demo clip, packaged without pacing (8 s, 4 segments, ended).
    func makeRealStream(_ name: String) async throws {
        let clip = try DemoClip.ensure(cacheDirectory: Self.cache, logger: Self.logger)
        let loop = try await DemoClip.load(path: clip, logger: Self.logger)
        let packager = StreamPackager(
            tracks: loop.tracks, directory: try OutputDirectory(path: root + "/" + name),
            configuration: PackagerConfiguration(segmentFilename: try SegmentFilenameTemplate("seg%d.m4s")),
            logger: Self.logger)
        for packet in loop.packets { try await packager.write(packet) }
        _ = try await packager.finish()
    }

    func server(cors: String? = "*") throws -> HLSServer {
        try HLSServer(configuration: ServeConfiguration(root: root, www: www, corsOrigin: cors), logger: Self.logger)
    }

    func app(cors: String? = "*") throws -> some ApplicationProtocol {
        Application(router: try server(cors: cors).buildRouter())
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func header(_ name: HTTPField.Name) -> String? { headers[name] }
}
