import Logging
import NIOCore
import NIOEmbedded
import Segmenter
import Testing

@testable import Ingest

/// A publisher that sends its last frames and closes while reading is paused (the stream's queue
/// is full, or the hub is still deciding on the publish) must lose none of them: the bytes the
/// connection read before the close are published, then the stream ends.
@Suite("RTMP: a publisher that closes while reading is paused")
struct RTMPCloseWhilePausedTests {
    static let client = RTMPTestClient()
    static let nal = [UInt8](repeating: 0x41, count: 4096)

    /// Frames `range` as FLV video tags (a keyframe every 10), 4 KiB of NAL unit each.
    static func frames(_ range: Range<Int>) -> ByteBuffer {
        var bytes: [UInt8] = []
        for index in range {
            let header: [UInt8] = [index % 10 == 0 ? 0x17 : 0x27, 1, 0, 0, 0, 0, 0, 0x10, 0]
            bytes += client.media(RTMPMessage.TypeID.video, timestamp: UInt32(index * 40), header + nal)
        }
        return ByteBuffer(bytes: bytes)
    }

    static func connectedChannel(_ handler: QueueingPublishHandler) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        try await channel.pipeline.addHandler(
            RTMPConnectionHandler(
                remoteAddress: "test", handler: handler, readTimeout: .seconds(30),
                pending: RTMPPendingConnections(limits: RTMPServerLimits(), observer: nil, logger: Logger(label: "test")),
                logger: Logger(label: "test")))
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935))
        return channel
    }

    /// Handshake, publish, and the sequence headers of both tracks (without metadata the
    /// stream starts once it has both).
    static var publishBytes: ByteBuffer {
        ByteBuffer(
            bytes: RTMPTestClient.handshake() + RTMPTestClient.c2 + client.publishCommands()
                + client.media(RTMPMessage.TypeID.video, timestamp: 0, RTMPFixtures.videoSequenceHeader)
                + client.media(RTMPMessage.TypeID.audio, timestamp: 0, RTMPFixtures.audioSequenceHeader))
    }

    /// Every packet the queue delivers until the stream ended, by timestamp.
    static func drain(_ queue: LiveMediaQueue) async -> [Int64] {
        var dts: [Int64] = []
        while let batch = await queue.next(wake: .everyEvent) {
            for item in batch { if case .packet(let packet) = item.event { dts.append(packet.dts) } }
        }
        return dts
    }

    /// Polls `value` until it gives one, for at most 30 s: long enough for a busy machine to
    /// schedule the hub, short enough to end a hang.
    static func waitFor<T>(_ value: () async -> T?) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let value = await value() { return value }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw IngestError(.invalidStream, "timed out after 30 s")
    }

    @Test("closing while the queue is full: the frames read after the pause are still published")
    func closeWhileQueueFull() async throws {
        let handler = QueueingPublishHandler(limits: .init(pauseAboveBytes: 16 << 10))
        let channel = try await Self.connectedChannel(handler)
        try await channel.writeInbound(Self.publishBytes)
        let queue = try await Self.waitFor { handler.queue }
        // The decision comes back on the event loop: wait for onStatus(NetStream.Publish.Start).
        var replies: [UInt8] = []
        _ = try await Self.waitFor { () -> Bool? in
            while let reply = try? await channel.readOutbound(as: ByteBuffer.self) { replies += reply.readableBytesView }
            return String(decoding: replies, as: UTF8.self).contains("NetStream.Publish.Start") ? true : nil
        }
        // 8 frames of 4 KiB pass the 16 KiB limit: reading pauses, and the next two reads (already
        // under way when it paused) wait in the handler.
        try await channel.writeInbound(Self.frames(0..<8))
        try await channel.writeInbound(Self.frames(8..<16))
        try await channel.writeInbound(Self.frames(16..<24))
        try await channel.close()
        let dts = await Self.drain(queue)
        #expect(dts == (0..<24).map { Int64($0 * 40) }, "got \(dts.count) of 24 frames")
    }

    @Test("closing while the hub decides: the frames sent after the publish request are published once it accepts")
    func closeWhileDeciding() async throws {
        let handler = QueueingPublishHandler(limits: .init(), open: false)
        let channel = try await Self.connectedChannel(handler)
        var bytes = Self.publishBytes
        var frames = Self.frames(0..<12)
        bytes.writeBuffer(&frames)
        try await channel.writeInbound(bytes)  // held by the session until the decision
        try await channel.writeInbound(Self.frames(12..<20))  // read while deciding: waits in the handler
        try await channel.close()
        handler.open()
        let queue = try await Self.waitFor { handler.queue }
        let dts = await Self.drain(queue)
        #expect(dts == (0..<20).map { Int64($0 * 40) }, "got \(dts.count) of 20 frames")
    }
}
