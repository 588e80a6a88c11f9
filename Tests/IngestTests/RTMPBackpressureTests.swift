import Foundation
import Logging
import NIOCore
import NIOPosix
import Segmenter
import Synchronization
import TestSupport
import Testing

@testable import Ingest

/// A packager that falls behind must hold the publisher back over TCP instead of queueing
/// without bound: the connection stops reading while the stream's queue is full.
@Suite("RTMP backpressure")
struct RTMPBackpressureTests {
    /// The third field of /proc/sys/net/ipv4/<name> ("min default max"); 6 MiB when unreadable.
    static func maximumSocketBuffer(_ name: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/\(name)", encoding: .utf8)) ?? ""
        let fields = text.split(whereSeparator: \.isWhitespace)
        return fields.count == 3 ? Int(fields[2]) ?? (6 << 20) : (6 << 20)
    }

    @Test(
        "a publisher sending more than the kernel can buffer (40+ MB) into an unread 256 KiB queue is paused, then delivers every frame in order"
    )
    func slowConsumerPausesPublisher() async throws {
        let limit = 256 << 10
        let handler = QueueingPublishHandler(limits: .init(pauseAboveBytes: limit))
        var logger = Logger(label: "backpressure-test")
        logger.logLevel = .warning
        let listener = try await RTMPServer(host: "127.0.0.1", port: 0, handler: handler, logger: logger).bind()
        let serverTask = Task { try await listener.run() }
        defer { serverTask.cancel() }

        // More than the kernel can buffer between the two sockets, or the client finishes
        // writing without ever being held back: the receiver's buffer autotunes up to
        // tcp_rmem's maximum (32 MiB on some machines), the sender's up to tcp_wmem's.
        let kernelBuffering = Self.maximumSocketBuffer("tcp_rmem") + Self.maximumSocketBuffer("tcp_wmem")
        let frameCount = max(10_000, (2 * kernelBuffering + (8 << 20)) / 4096)
        let client = RTMPTestClient()
        var bytes = RTMPTestClient.handshake() + RTMPTestClient.c2 + client.publishCommands()
        bytes += client.media(RTMPMessage.TypeID.video, timestamp: 0, RTMPFixtures.videoSequenceHeader)
        // FLV AVC NALU tags with one 4 KiB NAL unit each (4-byte length prefix).
        let nal = [UInt8](repeating: 0x41, count: 4096)
        let length: [UInt8] = [0, 0, 0x10, 0]
        for index in 0..<frameCount {
            let header: [UInt8] = [index % 30 == 0 ? 0x17 : 0x27, 1, 0, 0, 0]
            bytes += client.media(RTMPMessage.TypeID.video, timestamp: UInt32(index * 33), header + length + nal)
        }
        let total = bytes.count
        let written = Mutex(0)
        let port = listener.port
        let clientTask = Task {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // Read the replies, as a real publisher does; then the server's close ends this.
                    group.addTask { for try await _ in inbound {} }
                    var offset = 0
                    while offset < bytes.count {
                        let end = min(offset + 65_536, bytes.count)
                        try await outbound.write(ByteBuffer(bytes: bytes[offset..<end]))  // suspends when the socket is full
                        written.withLock { $0 = end }
                        offset = end
                    }
                    outbound.finish()  // FIN after the last byte
                    try await group.waitForAll()
                }
            }
        }

        // Generous: on a loaded CI machine the handshake and publish can take seconds.
        _ = await waitUntil(seconds: 30) { handler.queue != nil }
        let queue = try #require(handler.queue)
        var frames = 0
        var lastDTS: Int64 = -1
        func consume(_ batch: [LiveMediaQueue.Item]) -> Int {
            var bytes = 0
            for item in batch {
                guard case .packet(let packet) = item.event else { continue }
                #expect(packet.dts > lastDTS)
                lastDTS = packet.dts
                bytes += packet.data.count
                frames += 1
            }
            return bytes
        }
        // What came while the publish was decided (up to RTMPLimits.maximumPendingPackets) is
        // queued at once on top of the limit: take it, then consume nothing for 1.5 s.
        try await Task.sleep(for: .milliseconds(500))
        _ = consume(try #require(await queue.next(wake: .batched)))
        try await Task.sleep(for: .milliseconds(1500))
        #expect(written.withLock { $0 } < total, "the publisher was never held back: wrote all \(total) bytes, \(frames) frames taken")
        let queued = consume(try #require(await queue.next(wake: .batched)))
        // The limit, plus what the socket reads under way when it was reached carried past it.
        #expect(queued <= limit + (256 << 10), "queued \(queued) bytes")
        while frames < frameCount, let batch = await queue.next(wake: .batched) { _ = consume(batch) }
        #expect(frames == frameCount)
        try await clientTask.value
        #expect(written.withLock { $0 } == total)
        await listener.close()
    }
}
