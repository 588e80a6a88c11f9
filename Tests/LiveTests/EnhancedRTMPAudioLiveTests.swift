import Foundation
import Ingest
import Live
import Segmenter
import TestSupport
import Testing

/// Enhanced RTMP audio and Multitrack from a real client: the static FFmpeg (see
/// `EnhancedRTMPLiveTests`) publishes Opus (`Opus` FourCC) and two video tracks (track 1 in
/// Multitrack packets) into the in-process server. Each publish goes through the tee muxer, which
/// writes the same packets to a Matroska file beside the RTMP output: the reference the HLS is
/// compared with packet for packet. Debian's ffmpeg reads and decodes the HLS.
@Suite("Live Enhanced RTMP audio and Multitrack (static FFmpeg)", .serialized, .timeLimit(.minutes(3)))
struct EnhancedRTMPAudioLiveTests {
    /// `[f=matroska]reference|[f=flv:onfail=abort]rtmp://…/live/key`: the tee target of a publish.
    static func tee(reference: String, port: Int, key: String) -> String {
        "[f=matroska]\(reference)|[f=flv:onfail=abort]rtmp://127.0.0.1:\(port)/live/\(key)"
    }

    /// The tracks of the init segment that `playlist`'s (last) EXT-X-MAP names, and its bytes.
    static func initSegment(root: String, key: String, playlist: String) throws -> (tracks: [Track], bytes: [UInt8]) {
        let mapLine = try #require(playlist.split(separator: "\n").last { $0.hasPrefix("#EXT-X-MAP:URI=\"") })
        let name = mapLine.dropFirst("#EXT-X-MAP:URI=\"".count).prefix { $0 != "\"" }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/\(key)/\(name)")))
        return (try InitSegment.tracks(parsing: bytes), bytes)
    }

    @Test("libx264 + libopus over Enhanced RTMP: an Opus entry with dOps, every Opus packet byte for byte, Debian's ffmpeg decodes it")
    func opus() async throws {
        let ffmpeg = try EnhancedRTMPLiveTests.staticFFmpeg
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TestScratch.directory("ertmp-audio-live").path
        // Encoded once into an FLV file, then published from it unchanged.
        let flv = directory + "/opus.flv"
        let encode = try await LiveFixtures.run(
            ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "3", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
                "-c:a", "libopus", "-b:a", "64k", "-f", "flv", flv,
            ])
        #expect(encode.status == 0, "encode: \(encode.stderr)")
        let reference = directory + "/opus-sent.mkv"
        let publish = try await LiveFixtures.run(
            ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", flv, "-map", "0:v", "-map", "0:a", "-c", "copy",
                "-f", "tee", Self.tee(reference: reference, port: server.port, key: "opus"),
            ])
        #expect(publish.status == 0, "publish: \(publish.stderr)")
        #expect(await server.waitForEnd("opus"))
        let playlist = try #require(server.playlist("opus"))

        let (tracks, initBytes) = try Self.initSegment(root: server.root, key: "opus", playlist: playlist)
        #expect(tracks.map(\.format.codecs).contains("opus"), "CODECS \(tracks.map(\.format.codecs))")
        guard case .audio(.opus(let config), 48_000, 1, 48_000) = tracks.last?.format else {
            Issue.record("no mono Opus track at 48 kHz: \(tracks)")
            return
        }
        #expect(config.preSkip > 0, "libopus's pre-skip: \(config)")
        #expect(initBytes.firstRange(of: Array("Opus".utf8)) != nil && initBytes.firstRange(of: Array("dOps".utf8)) != nil)

        let index = "\(server.root)/opus/index.m3u8"
        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", index, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")
        let streams = try await LiveFixtures.run(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,sample_rate", "-of", "csv=p=0", index])
        #expect(streams.stdout.contains("opus,48000"), "streams: \(streams.stdout)")

        let sent = try await LiveFixtures.packetHashes(reference)
        let received = try await LiveFixtures.packetHashes(index)
        #expect(sent[1]?.count ?? 0 >= 140, "Opus packets sent: \(sent[1]?.count ?? 0)")  // 3 s of 20-ms packets
        #expect(received[1] == sent[1], "Opus packets differ: \(received[1]?.count ?? 0) received, \(sent[1]?.count ?? 0) sent")
        #expect(received[0] == sent[0], "video packets differ")
    }

    @Test("two video tracks (FFmpeg sends track 1 in Multitrack packets): the HLS holds track 0 only, with one warning")
    func twoVideoTracks() async throws {
        let ffmpeg = try EnhancedRTMPLiveTests.staticFFmpeg
        let log = RecordingLogHandler.Lines()
        let server = try await LiveTestServer.start(log: log)
        defer { Task { await server.stop() } }
        let reference = try TestScratch.directory("ertmp-audio-live").path + "/two-tracks-sent.mkv"
        let publish = try await LiveFixtures.run(
            ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi",
                "-i", "testsrc=size=160x120:rate=25", "-t", "2", "-map", "0:v", "-map", "1:v", "-c:v", "libx264", "-preset", "veryfast",
                "-g", "25", "-flags", "+global_header", "-f", "tee", Self.tee(reference: reference, port: server.port, key: "twotracks"),
            ])
        #expect(publish.status == 0, "publish: \(publish.stderr)")
        #expect(await server.waitForEnd("twotracks"))
        let index = "\(server.root)/twotracks/index.m3u8"

        let streams = try await LiveFixtures.run(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,width,height", "-of", "csv=p=0", index])
        // One line per stream, repeated under the HLS program: track 0's size only.
        #expect(Set(streams.stdout.split(separator: "\n").filter { !$0.isEmpty }) == ["video,320,180"], "streams: \(streams.stdout)")
        let sent = try await LiveFixtures.packetHashes(reference)
        let received = try await LiveFixtures.packetHashes(index)
        #expect(sent[0]?.count == 50 && sent[1]?.count == 50, "packets sent: \(sent.mapValues(\.count))")
        #expect(received.count == 1 && received[0] == sent[0], "track 0's packets: \(received[0]?.count ?? 0) received")

        let warnings = log.all.filter { $0.contains("multitrack") }
        #expect(warnings.count == 1 && warnings[0].hasPrefix("warning") && warnings[0].contains("track 1"), "\(log.all)")
    }
}
