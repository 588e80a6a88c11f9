import Foundation
import Ingest
import Live
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// A valid publish, as bytes a client sends: handshake, commands, metadata, sequence headers, frames.
enum FuzzSeed {
    static func publishStream(name: String) -> [UInt8] {
        var bytes: [UInt8] = [3] + [UInt8](repeating: 0, count: 1536) + [UInt8](repeating: 1, count: 1536)
        var encoder = RTMPChunkEncoder()
        func command(_ values: [AMF0Value], streamID: UInt32 = 0, type: UInt8 = RTMPMessage.TypeID.commandAMF0) -> [UInt8] {
            encoder.encode(
                RTMPMessage(chunkStreamID: 3, timestamp: 0, typeID: type, messageStreamID: streamID, payload: AMF0.encode(values)))
        }
        bytes += encoder.setChunkSize(256)
        bytes += command([
            .string("connect"), .number(1), .object([("app", .string("live")), ("tcUrl", .string("rtmp://127.0.0.1/live"))]),
        ])
        bytes += command([.string("releaseStream"), .number(2), .null, .string(name)])
        bytes += command([.string("FCPublish"), .number(3), .null, .string(name)])
        bytes += command([.string("createStream"), .number(4), .null])
        bytes += command([.string("publish"), .number(5), .null, .string(name), .string("live")], streamID: 1)
        bytes += command(
            [.string("@setDataFrame"), .string("onMetaData"), .ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(10))])],
            streamID: 1, type: RTMPMessage.TypeID.dataAMF0)
        let sps: [UInt8] = [
            0x67, 0x64, 0x00, 0x0B, 0xAC, 0xD9, 0x42, 0x84, 0x7E, 0x5C, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0C, 0x83,
            0xC5, 0x0A, 0x65, 0x80,
        ]
        let pps: [UInt8] = [0x68, 0xEF, 0x8F, 0xCB]
        let avcC: [UInt8] = [1, 0x64, 0, 0x0B, 0xFF, 0xE1, 0, UInt8(sps.count)] + sps + [1, 0, UInt8(pps.count)] + pps
        func media(_ type: UInt8, _ timestamp: UInt32, _ payload: [UInt8]) -> [UInt8] {
            encoder.encode(
                RTMPMessage(chunkStreamID: type == 9 ? 6 : 4, timestamp: timestamp, typeID: type, messageStreamID: 1, payload: payload))
        }
        bytes += media(9, 0, [0x17, 0, 0, 0, 0] + avcC)
        bytes += media(8, 0, [0xAE, 0, 0x11, 0x88])
        for frame in 0..<10 {
            let nal: [UInt8] = (frame == 0 ? [0x65] : [0x41]) + [UInt8](repeating: UInt8(frame), count: 300)
            bytes += media(9, UInt32(frame * 40), [frame == 0 ? 0x17 : 0x27, 1, 0, 0, 0] + [0, 0, 0x01, 0x2D] + nal)
            bytes += media(8, UInt32(frame * 21), [0xAE, 1, 0x21, 0x10, 0x04])
        }
        return bytes
    }

    static func mutate(_ seed: [UInt8], using rng: inout SeededRandom) -> [UInt8] {
        var bytes = seed
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:  // pure noise
            return (0..<Int.random(in: 0..<4096, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 1:  // a valid handshake, then noise
            return Array(seed.prefix(3073))
                + (0..<Int.random(in: 0..<4096, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 2:  // truncated
            return Array(seed.prefix(Int.random(in: 0..<seed.count, using: &rng)))
        case 3:  // inserted run of noise
            let at = Int.random(in: 3073..<seed.count, using: &rng)
            bytes.insert(contentsOf: (0..<Int.random(in: 1..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            return bytes
        default:  // flipped bytes after the handshake (headers, AMF, sequence headers)
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                bytes[Int.random(in: 3073..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return bytes
        }
    }
}

@Suite("Live RTMP fuzz", .serialized, .timeLimit(.minutes(3)))
struct LiveFuzzTests {
    @Test("thousands of random and mutated RTMP streams; the server stays up and a healthy publisher is unharmed")
    func fuzz() async throws {
        let server = try await LiveTestServer.start(idleTimeout: .milliseconds(500))
        defer { Task { await server.stop() } }
        async let healthy = LiveFixtures.publish(port: server.port, key: "healthy")

        let seed = FuzzSeed.publishStream(name: "fuzz")
        let count = 3000
        let port = server.port
        try await withThrowingTaskGroup(of: Void.self) { group in
            var rng = SeededRandom(seed: 0x5EED_0005)
            for index in 0..<count {
                let input = FuzzSeed.mutate(seed, using: &rng)
                if index >= 32 { try await group.next() }
                group.addTask { try await Self.send(input, port: port) }
            }
            try await group.waitForAll()
        }

        let result = try await healthy
        #expect(result.status == 0, "\(result.stderr)")
        #expect(await server.waitForEnd("healthy"))
        let sent = try await LiveFixtures.packetHashes(try LiveFixtures.fixture)
        let received = try await LiveFixtures.packetHashes("\(server.root)/healthy/index.m3u8")
        #expect(received[0] == sent[0] && received[1] == sent[1])
        // Still accepting after the storm.
        let after = try await LiveFixtures.publish(port: server.port, key: "after", realtime: false)
        #expect(after.status == 0, "\(after.stderr)")
    }

    /// Connects, writes `bytes`, closes the sending side and waits (≤ 2 s) for the server to close.
    static func send(_ bytes: [UInt8], port: Int) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            try? await outbound.write(ByteBuffer(bytes: bytes))
            outbound.finish()
            _ = try? await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for try await _ in inbound {} }
                group.addTask { try await Task.sleep(for: .seconds(2)) }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
