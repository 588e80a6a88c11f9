import Foundation
import Ingest
import Live
import TestSupport
import Testing

@Suite("Live RTMP ingest with ffmpeg as the publisher", .serialized, .timeLimit(.minutes(3)))
struct LiveRTMPTests {
    @Test("ffmpeg publishes; every packet lands in a segment byte for byte; ENDLIST after the idle timeout")
    func publishByteForByte() async throws {
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        let result = try await LiveFixtures.publish(port: server.port, key: "cam1")
        #expect(result.status == 0, "ffmpeg: \(result.stderr)")
        // The hub may still be packaging what ffmpeg sent last when ffmpeg exits.
        #expect(await waitUntil(seconds: 30) { server.playlist("cam1") != nil })
        // The publisher has closed its socket; the hub notices it on its own event loop.
        #expect(await waitUntil(seconds: 30) { await server.hub.state(of: "cam1") == .idle })
        #expect(await server.waitForEnd("cam1"))
        let playlist = try #require(server.playlist("cam1"))
        // A live window (no type) beside the archive's EVENT playlist of the period.
        #expect(!playlist.contains("#EXT-X-PLAYLIST-TYPE"))
        #expect(!playlist.contains("#EXT-X-DISCONTINUITY\n"))
        let archives = try FileManager.default.contentsOfDirectory(atPath: "\(server.root)/cam1").filter { $0.hasPrefix("archive-") }
        #expect((1...2).contains(archives.count), "one period (two when an hour began meanwhile): \(archives)")
        for name in archives {
            let archived = try String(contentsOfFile: "\(server.root)/cam1/\(name)", encoding: .utf8)
            #expect(archived.contains("#EXT-X-PLAYLIST-TYPE:EVENT") && archived.contains("#EXT-X-ENDLIST"))
        }

        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", "\(server.root)/cam1/index.m3u8", "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "decode: \(decode.stderr)")

        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        let received = try await LiveFixtures.packetHashes("\(server.root)/cam1/index.m3u8")
        #expect(sent[0]?.count ?? 0 > 90)
        #expect(received[0] == sent[0], "video packets differ")
        #expect(received[1] == sent[1], "audio packets differ")

        // Metrics: every frame counted in and out; a publish latency for every segment a
        // packet completed (all but the last, which the end of the stream completed).
        let frames = Double((sent[0]?.count ?? 0) + (sent[1]?.count ?? 0))
        #expect(server.metric("hlsseg_live_frames_received_total") == frames)
        #expect(server.metric("hlsseg_live_frames_segmented_total") == frames)
        #expect(server.metric("hlsseg_live_frames_dropped_total") == 0)
        let segments = Double(playlist.components(separatedBy: "#EXTINF").count - 1)
        for source in ["keyframe", "completing_packet"] {
            let count = server.metric("hlsseg_live_segment_publish_seconds_count{from=\"\(source)\"}")
            #expect(count == segments - 1, "publish latencies from \(source)")
            // Recorded, not judged: this server shares its process with every test running beside
            // it, so its latency here says nothing. bench/live-load measures it.
            let sum = server.metric("hlsseg_live_segment_publish_seconds_sum{from=\"\(source)\"}") ?? -1
            #expect(sum > 0 && sum.isFinite, "publish latency sum from \(source): \(sum)")
        }
    }

    @Test("two publishers at once; a second publisher on a live name is refused")
    func twoPublishersAndDuplicate() async throws {
        let server = try await LiveTestServer.start()
        defer { Task { await server.stop() } }
        async let first = LiveFixtures.publish(port: server.port, key: "a")
        async let second = LiveFixtures.publish(port: server.port, key: "b")
        let live = await waitUntil(seconds: 30) { await server.hub.state(of: "a") == .live }
        #expect(live)
        let duplicate = try await LiveFixtures.publish(port: server.port, key: "a", realtime: false)
        #expect(duplicate.status != 0, "a second publisher of a live name must be refused")
        let results = try await [first, second]
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(await server.waitForEnd("a"))
        #expect(await server.waitForEnd("b"))
        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        for stream in ["a", "b"] {
            let received = try await LiveFixtures.packetHashes("\(server.root)/\(stream)/index.m3u8")
            #expect(received[0] == sent[0] && received[1] == sent[1], "stream \(stream)")
        }
    }

    @Test("a publisher that comes back before the idle timeout continues after a discontinuity")
    func reconnect() async throws {
        let server = try await LiveTestServer.start(idleTimeout: .seconds(4))
        defer { Task { await server.stop() } }
        let first = try await LiveFixtures.publish(port: server.port, key: "cam", realtime: false)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(await waitUntil(seconds: 30) { await server.hub.state(of: "cam") == .idle })
        let second = try await LiveFixtures.publish(port: server.port, key: "cam", realtime: false)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(await server.waitForEnd("cam", seconds: 10))
        let playlist = try #require(server.playlist("cam"))
        #expect(playlist.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2, "\(playlist)")
        #expect(playlist.components(separatedBy: "#EXT-X-ENDLIST").count == 2)
        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", "\(server.root)/cam/index.m3u8", "-f", "null", "-"])
        #expect(decode.status == 0, "decode: \(decode.stderr)")
        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        let received = try await LiveFixtures.packetHashes("\(server.root)/cam/index.m3u8")
        #expect(received[0] == (sent[0] ?? []) + (sent[0] ?? []))
    }

    @Test("a publisher that comes back after ENDLIST continues the ended playlist (append_list)")
    func afterEnd() async throws {
        let server = try await LiveTestServer.start(idleTimeout: .milliseconds(300))
        defer { Task { await server.stop() } }
        let first = try await LiveFixtures.publish(port: server.port, key: "late", realtime: false)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(await server.waitForEnd("late"))
        let second = try await LiveFixtures.publish(port: server.port, key: "late", realtime: false)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(
            await waitUntil(seconds: 30) {
                server.playlist("late")?.contains("#EXT-X-DISCONTINUITY\n") == true
                    && server.playlist("late")?.contains("#EXT-X-ENDLIST") == true
            })
        let playlist = try #require(server.playlist("late"))
        #expect(playlist.components(separatedBy: "#EXT-X-ENDLIST").count == 2, "\(playlist)")
        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        let received = try await LiveFixtures.packetHashes("\(server.root)/late/index.m3u8")
        #expect(received[0] == (sent[0] ?? []) + (sent[0] ?? []))
    }

    @Test("with tokens configured, a publisher without one (or with a wrong one) is refused")
    func tokens() async throws {
        let server = try await LiveTestServer.start(tokens: ["s3cret"])
        defer { Task { await server.stop() } }
        let missing = try await LiveFixtures.publish(port: server.port, key: "t", realtime: false)
        #expect(missing.status != 0)
        let wrong = try await LiveFixtures.publish(port: server.port, key: "t?token=nope", realtime: false)
        #expect(wrong.status != 0)
        #expect(server.playlist("t") == nil)
        let good = try await LiveFixtures.publish(port: server.port, key: "t?token=s3cret", realtime: false)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(await server.waitForEnd("t"))
    }
}
