import Foundation
import Ingest
import Live
import Segmenter
import TestSupport
import Testing

/// H.265 over Enhanced RTMP from a real client: a static FFmpeg (PyPI imageio-ffmpeg, installed
/// by `scripts/setup.sh --test`) encodes with libx265 and publishes `hvc1` FLV into the
/// in-process server, writing the same packets to an MP4 beside it (the tee muxer), so the HLS
/// can be compared with what was sent packet for packet. Debian's ffmpeg 5.1 cannot publish
/// H.265 over RTMP; it decodes the HLS as the independent check.
@Suite("Live H.265 over Enhanced RTMP (static FFmpeg)", .serialized, .timeLimit(.minutes(3)))
struct EnhancedRTMPLiveTests {
    /// `HLSSEG_STATIC_FFMPEG`, else where `scripts/setup.sh --test` links it.
    static var staticFFmpeg: String {
        get throws {
            let path =
                ProcessInfo.processInfo.environment["HLSSEG_STATIC_FFMPEG"]
                ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/hlsseg/bin/ffmpeg-static"
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw LiveFixtures.Failure(
                    description:
                        "no static FFmpeg at \(path): run `scripts/setup.sh --test` (pip installs imageio-ffmpeg into ~/.cache/hlsseg/tools-venv) or set HLSSEG_STATIC_FFMPEG to an FFmpeg ≥ 6.1 with libx265"
                )
            }
            return path
        }
    }

    @Test(
        "libx265 published over Enhanced RTMP: every video packet byte for byte, CODECS hvc1, Debian's ffmpeg decodes it",
        arguments: [3, 0])
    func publish(bframes: Int) async throws {
        let ffmpeg = try Self.staticFFmpeg
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let key = "h265b\(bframes)"
        let source = try TestScratch.directory("ertmp-live").path + "/\(key).mp4"
        let result = try await LiveFixtures.run(
            ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "3",
                "-c:v", "libx265", "-preset", "veryfast", "-x265-params", "bframes=\(bframes):keyint=25:log-level=error",
                "-flags", "+global_header", "-map", "0:v", "-f", "tee",
                "[f=mp4]\(source)|[f=flv:onfail=abort:rtmp_enhanced_codecs=hvc1]rtmp://127.0.0.1:\(server.port)/live/\(key)",
            ])
        #expect(result.status == 0, "static ffmpeg: \(result.stderr)")
        #expect(await server.waitForEnd(key))
        let playlist = try #require(server.playlist(key))
        // The CODECS string the stream list shows: from the init segment the playlist maps.
        let mapLine = try #require(playlist.split(separator: "\n").first { $0.hasPrefix("#EXT-X-MAP:URI=\"") })
        let initName = mapLine.dropFirst("#EXT-X-MAP:URI=\"".count).prefix { $0 != "\"" }
        let initBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(server.root)/\(key)/\(initName)")))
        let codecs = try InitSegment.tracks(parsing: initBytes).map(\.format.codecs)
        #expect(codecs.count == 1 && codecs[0].hasPrefix("hvc1.1.6.L"), "CODECS \(codecs)")
        let index = "\(server.root)/\(key)/index.m3u8"

        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", index, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
        let codec = try await LiveFixtures.run(
            "/usr/bin/ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,has_b_frames", "-of", "csv=p=0", index])
        // "hevc,<reorder depth>": B-frames (composition offsets) exactly when the encoder made them.
        let fields = codec.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        #expect(fields.first == "hevc" && (Int(fields.last ?? "") ?? 0 > 0) == (bframes > 0), "\(codec.stdout)")

        let sent = try await LiveFixtures.packetHashes(source)
        let received = try await LiveFixtures.packetHashes(index)
        #expect(sent[0]?.count == 75, "packets sent: \(sent[0]?.count ?? 0)")
        #expect(received[0] == sent[0], "video packets differ")
    }
}
