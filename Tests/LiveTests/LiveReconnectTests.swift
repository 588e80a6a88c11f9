import Foundation
import Ingest
import Live
import Logging
import Segmenter
import Testing

/// A publisher that has gone no longer holds its stream name while its last media is still
/// being packaged: one that reconnects at once is taken, and its media follows that media
/// after a discontinuity (a camera's reconnect is not refused as "already being published").
@Suite("Live: a publisher reconnecting at once", .serialized, .timeLimit(.minutes(2)))
struct LiveReconnectTests {
    static func audioTrack() throws -> Track {
        let asc = try AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 3, channelConfiguration: 2)
        return Track(id: 1, format: .audio(codec: .aac(asc), sampleRate: 48_000, channels: 2, timescale: 48_000))
    }

    /// `count` AAC frames of 1024 samples.
    static func send(_ count: Int, to queue: LiveMediaQueue) throws {
        _ = queue.send(.tracks([try audioTrack()]))
        for index in 0..<count {
            let ticks = Int64(index) * 1024
            let packet = MediaPacket(
                trackID: 1, dts: ticks, pts: ticks, duration: 1024, isKeyframe: true, data: [0x21, UInt8(index & 0xFF)])
            _ = queue.send(.packet(packet))
        }
    }

    @Test func aPublisherThatHasGoneDoesNotHoldTheName() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var logger = Logger(label: "live-reconnect-test")
        logger.logLevel = .error
        let hub = LiveHub(root: root, configuration: LiveConfiguration(idleTimeout: .seconds(5)), logger: logger)
        let request = PublishRequest(app: "live", streamName: "cam", remoteAddress: "test")

        guard case .accept(let first) = await hub.publish(request) else { throw LiveFixtures.Failure(description: "refused") }
        // About 10 s of audio: several segments for the first publisher's pump to write.
        try Self.send(470, to: first)
        let live = await hub.publish(request)
        guard case .refuse(let refusal) = live else { throw LiveFixtures.Failure(description: "a live name was taken") }
        #expect(refusal.kind == .alreadyPublishing)
        first.finish(reason: nil)

        // At once, while the first publisher's media is still being packaged.
        guard case .accept(let second) = await hub.publish(request) else {
            throw LiveFixtures.Failure(description: "the reconnect was refused")
        }
        try Self.send(470, to: second)
        second.finish(reason: nil)
        await hub.finishAll()

        let playlist = try #require(LiveFixtures.read(root + "/cam/index.m3u8"))
        #expect(playlist.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2, "\(playlist)")
        #expect(playlist.contains("#EXT-X-ENDLIST"))
        let segments = playlist.split(separator: "\n").filter { $0.hasPrefix("seg") }
        #expect(segments.count >= 9, "\(playlist)")
    }
}
