import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import HTTPServe

/// `frameRate` in `/api/streams`: read from the newest segment's `moof` of stream folders made
/// by Debian's ffmpeg (its own HLS muxer, fMP4 segments).
@Suite("JSON API: the frame rate of each stream", .timeLimit(.minutes(2)))
struct StreamFrameRateTests {
    static let ffmpeg = "/usr/bin/ffmpeg"

    /// `<root>/<name>/index.m3u8`, `init.mp4`, `seg*.m4s`: 2 s of AAC, and of H.264 at `rate`
    /// unless it is `nil` (audio only).
    static func makeFFmpegStream(in fixture: Fixture, name: String, rate: String?) async throws {
        guard FileManager.default.isExecutableFile(atPath: ffmpeg) else {
            throw HarnessError("ffmpeg not found: run scripts/setup.sh (apt-get install ffmpeg)")
        }
        let folder = fixture.root + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var arguments = ["-hide_banner", "-loglevel", "error", "-y"]
        if let rate {
            arguments += ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=\(rate)"]
        }
        arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2"]
        if rate != nil {
            arguments += ["-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-bf", "2"]
        }
        arguments += [
            "-c:a", "aac", "-f", "hls", "-hls_time", "1", "-hls_segment_type", "fmp4", "-hls_playlist_type", "vod",
            "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", "seg%d.m4s", "index.m3u8",
        ]
        let result = try await Subprocess.run(ffmpeg, arguments, in: folder)
        #expect(result.succeeded, "\(result.summary)")
    }

    @Test("ffmpeg's streams at 25, 60 and 29.97 fps say so; an audio-only stream says null")
    func frameRates() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let cases: [(name: String, rate: String?, expected: Double?)] = [
            ("at25", "25", 25), ("at60", "60", 60), ("ntsc", "30000/1001", 29.97), ("radio", nil, nil),
        ]
        for item in cases { try await Self.makeFFmpegStream(in: fixture, name: item.name, rate: item.rate) }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/streams", method: .get) { response in
                let list = try JSONDecoder().decode(HLSServer.StreamList.self, from: Data(response.body.readableBytesView))
                #expect(list.streams.map(\.name) == cases.map(\.name).sorted())
                for item in cases {
                    let info = list.streams.first { $0.name == item.name }
                    #expect(info?.frameRate == item.expected, "\(item.name)")
                }
                #expect(response.text.contains(#""frameRate":null"#), "null, not left out, without video")
                #expect(response.text.contains(#""frameRate":29.97,"#))
            }
            try await client.execute(uri: "/api/streams/at60", method: .get) { response in
                let info = try JSONDecoder().decode(StreamInfo.self, from: Data(response.body.readableBytesView))
                #expect(info.frameRate == 60)
            }
        }
    }

    @Test("the cached rate belongs to one version of the newest segment: a new version is read again")
    func cachedPerSegment() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await Self.makeFFmpegStream(in: fixture, name: "cam", rate: "25")
        let catalog = StreamCatalog(root: fixture.root, playlistName: "index.m3u8")
        #expect(catalog.info(stream: "cam")?.frameRate == 25)
        let playlist = try String(contentsOfFile: fixture.root + "/cam/index.m3u8", encoding: .utf8)
        let newest = try #require(playlist.split(separator: "\n").last { $0.hasSuffix(".m4s") }).description
        let path = fixture.root + "/cam/" + newest
        let version = try #require(FileVersion.of(path: path))
        try fixture.write([0, 0, 0, 8] + Array("free".utf8), stream: "cam", file: newest)
        #expect(FileVersion.of(path: path) != version)
        #expect(catalog.info(stream: "cam")?.frameRate == nil, "a segment that does not parse has no rate")
    }
}
