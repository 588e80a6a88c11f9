import Foundation
import TestSupport
import Testing

@Suite("Live WebSocket ingest of 1080p frames", .serialized, .timeLimit(.minutes(3)))
struct LiveWebSocketHDTests {
    @Test("the example sender publishes a 1080p file (keyframes of hundreds of KB): every frame, byte for byte")
    func hdSender() async throws {
        let fixture = try LiveFixtures.hdFixture
        let sizes = try await LiveFixtures.run(
            "/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=size", "-of", "csv=p=0", fixture])
        let largest = sizes.stdout.split(separator: "\n").compactMap { Int($0) }.max() ?? 0
        #expect(
            largest >= 200_000, "the fixture's largest video frame is \(largest) bytes; it is meant to be a keyframe of at least 200 KB")
        try await LiveWebSocketTests.withServer { port, root in
            let result = try await LiveFixtures.run(
                "/usr/bin/python3", [LiveWebSocketTests.sender, fixture, "ws://127.0.0.1:\(port)/ingest/hd"])
            #expect(result.status == 0, "sender: \(result.stderr)")
            let playlist = "\(root)/hd/index.m3u8"
            #expect(await waitUntil(seconds: 15) { LiveFixtures.read(playlist)?.contains("#EXT-X-ENDLIST") == true })
            let sent = try await LiveFixtures.packetHashes(fixture)
            let received = try await LiveFixtures.packetHashes(playlist)
            #expect(received[0]?.count == sent[0]?.count, "video frames: \(received[0]?.count ?? 0) of \(sent[0]?.count ?? 0)")
            #expect(received[0] == sent[0], "video frames differ")
            #expect(received[1] == sent[1], "audio frames differ")
        }
    }
}
