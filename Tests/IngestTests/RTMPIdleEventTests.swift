import NIOCore
import NIOEmbedded
import Testing

@testable import Ingest

/// What `RTMPConnectionHandler` does with `IdleStateHandler`'s report of a silent peer: it
/// closes the connection, except while it has paused reading itself (here: while the hub
/// decides on the publish), when the silence is the server's own.
@Suite("RTMP: the idle event")
struct RTMPIdleEventTests {
    @Test func silenceWhileTheHubDecidesIsNotThePeers() async throws {
        let handler = QueueingPublishHandler(limits: .init(), open: false)
        let channel = try await RTMPCloseWhilePausedTests.connectedChannel(handler)
        try await channel.writeInbound(RTMPCloseWhilePausedTests.publishBytes)
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        await channel.testingEventLoop.run()
        #expect(channel.isActive, "closed for silence while reading was paused")

        handler.open()
        _ = try await RTMPCloseWhilePausedTests.waitFor { handler.queue }
        var replies: [UInt8] = []
        _ = try await RTMPCloseWhilePausedTests.waitFor { () -> Bool? in
            while let reply = try? await channel.readOutbound(as: ByteBuffer.self) { replies += reply.readableBytesView }
            return String(decoding: replies, as: UTF8.self).contains("NetStream.Publish.Start") ? true : nil
        }
        // Reading again, and the peer is silent: closed.
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        _ = try await RTMPCloseWhilePausedTests.waitFor { channel.isActive ? nil : true }
    }
}
