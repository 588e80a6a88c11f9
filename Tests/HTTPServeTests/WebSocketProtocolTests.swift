import Foundation
import HTTPServe
import Ingest
import Logging
import TestSupport
import Testing

/// The WebSocket ingest against a client on a raw socket: frames exactly as a test writes them
/// (unmasked, oversized, fragmented), and the close frame and log line each one gets. Behind
/// the route is `AcceptingPublishHandler`: these rules are the route's own, not the hub's.
@Suite("WebSocket protocol rules of the ingest", .serialized, .timeLimit(.minutes(2)))
struct WebSocketProtocolTests {
    /// `hlsseg serve` in-process with the WebSocket ingest into `AcceptingPublishHandler`, on
    /// a free port; the server logs to `logger`.
    static func withServer(logger: Logger, _ body: (_ port: Int, _ root: String) async throws -> Void) async throws {
        let root = try TestScratch.directory("websocket-protocol-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try HLSServer(
            configuration: ServeConfiguration(root: root, port: 0), ingest: AcceptingPublishHandler(), logger: logger)
        let started = try await StartedServer.start(server, logger: logger)
        defer { started.run.cancel() }
        let port = started.port
        try await body(port, root)
    }

    /// A valid frame message: a video config message (the SPS and PPS of `FramesTests`).
    static let configMessage: [UInt8] = {
        let sps: [UInt8] = [
            0x67, 0x64, 0x00, 0x0B, 0xAC, 0xD9, 0x42, 0x84, 0x7E, 0x5C, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00,
            0x0C, 0x83, 0xC5, 0x0A, 0x65, 0x80,
        ]
        let pps: [UInt8] = [0x68, 0xEF, 0x8F, 0xCB]
        let payload = [0, 0, 0, 1] + sps + [0, 0, 0, 1] + pps
        return FrameMessage(kind: .video, isConfig: true, timestamps: (0, 0), payload: payload[...]).serialized()
    }()

    @Test("an unmasked client frame is answered with close 1002 and the connection is closed", arguments: [false, true])
    func unmasked(inTheHandshakeWrite: Bool) async throws {
        let log = RecordingLogHandler.Lines()
        try await Self.withServer(logger: log.logger()) { port, _ in
            let (code, closed) = try await RawHTTPClient.run {
                let frame = RawWebSocket.frame(opcode: 2, payload: Self.configMessage, mask: nil)
                let socket = try RawWebSocket(port: port, path: "/ingest/unmasked", sendingAlong: inTheHandshakeWrite ? frame : [])
                if !inTheHandshakeWrite { try socket.connection.send(bytes: frame) }
                let close = try socket.readClose()
                return (close.code, socket.connection.closedByPeer(within: 30))
            }
            #expect(code == 1002)
            #expect(closed, "the server keeps the connection open")
            #expect(await log.waitFor("websocket ingest unmasked:", containing: "unmasked"), "\(log.all)")
        }
    }

    @Test("a message above 8 MiB, in one frame or fragmented, is answered with close 1009 and a warning naming the limit")
    func tooBig() async throws {
        let limit = FrameMessage.maximumMessageLength
        let log = RecordingLogHandler.Lines()
        try await Self.withServer(logger: log.logger()) { port, _ in
            let codes = try await RawHTTPClient.run {
                // One frame announcing limit + 1 bytes: refused from its header on.
                let single = try RawWebSocket(port: port, path: "/ingest/big-frame")
                try single.connection.send(bytes: RawWebSocket.header(opcode: 2, fin: true, length: limit + 1, mask: [1, 2, 3, 4]))
                let singleCode = try single.readClose().code
                // Two frames of one message, together just above the limit (a zero mask leaves the bytes as they are).
                let fragmented = try RawWebSocket(port: port, path: "/ingest/big-message")
                let half = [UInt8](repeating: 0, count: limit / 2)
                let zero: [UInt8] = [0, 0, 0, 0]
                try fragmented.connection.send(
                    bytes: RawWebSocket.frame(opcode: 2, fin: false, payload: Self.configMessage + half, mask: zero))
                try fragmented.connection.send(bytes: RawWebSocket.frame(opcode: 0, fin: true, payload: half + [0], mask: zero))
                return (singleCode, try fragmented.readClose().code)
            }
            #expect(codes.0 == 1009)
            #expect(codes.1 == 1009)
            #expect(await log.waitFor("websocket ingest big-frame:", containing: "\(limit)"), "\(log.all)")
            #expect(await log.waitFor("websocket ingest big-message:", containing: "\(limit)"), "\(log.all)")
        }
    }

    @Test("other protocol errors are answered with close 1002 and logged with their reason")
    func protocolErrors() async throws {
        let log = RecordingLogHandler.Lines()
        try await Self.withServer(logger: log.logger()) { port, _ in
            let codes = try await RawHTTPClient.run {
                let key: [UInt8] = [9, 8, 7, 6]
                var codes: [String: UInt16?] = [:]
                // A continuation frame with no fragmented message to continue.
                let stray = try RawWebSocket(port: port, path: "/ingest/stray-continuation")
                try stray.connection.send(bytes: RawWebSocket.frame(opcode: 0, payload: Self.configMessage, mask: key))
                codes["stray-continuation"] = try stray.readClose().code
                // A reserved opcode; the client answers the server's close as RFC 6455 asks.
                let reserved = try RawWebSocket(port: port, path: "/ingest/reserved-opcode")
                try reserved.connection.send(bytes: RawWebSocket.frame(opcode: 3, payload: [1, 2, 3], mask: key))
                codes["reserved-opcode"] = try reserved.readClose().code
                try reserved.connection.send(bytes: RawWebSocket.frame(opcode: 8, payload: [0x03, 0xEA], mask: key))
                // A ping without its FIN bit (control frames cannot be fragmented).
                let ping = try RawWebSocket(port: port, path: "/ingest/fragmented-ping")
                try ping.connection.send(bytes: RawWebSocket.frame(opcode: 9, fin: false, payload: [1], mask: key))
                codes["fragmented-ping"] = try ping.readClose().code
                return codes
            }
            #expect(codes == ["stray-continuation": 1002, "reserved-opcode": 1002, "fragmented-ping": 1002])
            #expect(await log.waitFor("websocket ingest stray-continuation:", containing: "continuation frame"), "\(log.all)")
            #expect(await log.waitFor("websocket ingest reserved-opcode:", containing: "1002"), "\(log.all)")
            #expect(await log.waitFor("websocket ingest fragmented-ping:", containing: "1002"), "\(log.all)")
        }
    }

    @Test("every other end but a normal close is logged with its reason; a normal close is not")
    func ends() async throws {
        let log = RecordingLogHandler.Lines()
        try await Self.withServer(logger: log.logger()) { port, _ in
            let codes = try await RawHTTPClient.run {
                let key: [UInt8] = [9, 8, 7, 6]
                // Not a frame message (version 2): 1007.
                let decode = try RawWebSocket(port: port, path: "/ingest/bad-version")
                try decode.connection.send(bytes: RawWebSocket.frame(opcode: 2, payload: [2] + Self.configMessage.dropFirst(), mask: key))
                let decodeCode = try decode.readClose().code
                // A text message: 1003.
                let text = try RawWebSocket(port: port, path: "/ingest/text")
                try text.connection.send(bytes: RawWebSocket.frame(opcode: 1, payload: Array("hello".utf8), mask: key))
                let textCode = try text.readClose().code
                // The client closes with 1011.
                let failing = try RawWebSocket(port: port, path: "/ingest/client-error")
                try failing.connection.send(bytes: RawWebSocket.frame(opcode: 2, payload: Self.configMessage, mask: key))
                try failing.connection.send(
                    bytes: RawWebSocket.frame(opcode: 8, payload: [0x03, 0xF3] + Array("encoder crashed".utf8), mask: key))
                _ = try? failing.readClose()
                // The client goes away without a close frame.
                do {
                    let vanishing = try RawWebSocket(port: port, path: "/ingest/vanished")
                    try vanishing.connection.send(bytes: RawWebSocket.frame(opcode: 2, payload: Self.configMessage, mask: key))
                }
                // A normal close: the server answers 1000.
                let normal = try RawWebSocket(port: port, path: "/ingest/normal")
                try normal.connection.send(bytes: RawWebSocket.frame(opcode: 2, payload: Self.configMessage, mask: key))
                try normal.connection.send(bytes: RawWebSocket.frame(opcode: 8, payload: [0x03, 0xE8], mask: key))
                return (decodeCode, textCode, try normal.readClose().code)
            }
            #expect(codes.0 == 1007)
            #expect(codes.1 == 1003)
            #expect(codes.2 == 1000)
            #expect(await log.waitFor("websocket ingest bad-version:", containing: "version 2"), "\(log.all)")
            #expect(await log.waitFor("websocket ingest text:", containing: "text message"), "\(log.all)")
            #expect(await log.waitFor("websocket ingest client-error:", containing: "1011"), "\(log.all)")
            #expect(await log.waitFor("websocket ingest vanished:", containing: "without a WebSocket close frame"), "\(log.all)")
            try await Task.sleep(for: .milliseconds(200))
            #expect(!log.all.contains { $0.contains("websocket ingest normal") }, "\(log.all)")
        }
    }
}

/// A WebSocket client on `RawHTTPConnection`: the upgrade handshake by hand, then whatever
/// frames a test writes, and the server's frames as they come.
struct RawWebSocket {
    let connection: RawHTTPConnection

    /// Connects and upgrades; `sendingAlong` goes out in the same write as the request.
    init(port: Int, path: String, sendingAlong: [UInt8] = []) throws {
        connection = try RawHTTPConnection(port: port)
        let request = RawRequest(
            target: path,
            headers: [
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                ("Sec-WebSocket-Version", "13"),
            ])
        try connection.send(bytes: request.bytes + sendingAlong)
        let response = try connection.readResponse(to: request)
        guard response.status == 101 else { throw RawHTTPConnection.Failure(description: "upgrade refused: \(response)") }
    }

    /// A frame header (RFC 6455 §5.2); `mask` nil: the mask bit is clear.
    static func header(opcode: UInt8, fin: Bool, length: Int, mask: [UInt8]?) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if length < 126 {
            bytes.append(maskBit | UInt8(length))
        } else if length < 1 << 16 {
            bytes += [maskBit | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        }
        return bytes + (mask ?? [])
    }

    static func frame(opcode: UInt8, fin: Bool = true, payload: [UInt8], mask: [UInt8]?) -> [UInt8] {
        let masked = mask.map { key in key == [0, 0, 0, 0] ? payload : payload.enumerated().map { $0.element ^ key[$0.offset % 4] } }
        let body = masked ?? payload
        return header(opcode: opcode, fin: fin, length: payload.count, mask: mask) + body
    }

    /// Reads the server's frames up to its close frame: its code (nil without one) and reason.
    func readClose() throws -> (code: UInt16?, reason: String) {
        for _ in 0..<100 {
            let head = try connection.read(count: 2)
            var length = Int(head[1] & 0x7F)
            if length == 126 {
                length = try connection.read(count: 2).reduce(0) { $0 << 8 | Int($1) }
            } else if length == 127 {
                length = try connection.read(count: 8).reduce(0) { $0 << 8 | Int($1) }
            }
            let payload = try connection.read(count: length)
            guard head[0] & 0x0F == 8 else { continue }
            let code = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
            return (code, String(decoding: payload.dropFirst(2), as: UTF8.self))
        }
        throw RawHTTPConnection.Failure(description: "no close frame among the server's first 100 frames")
    }
}

/// Accepts every publish and drains what the publisher sends, so that a WebSocket ingest test
/// needs no live hub.
struct AcceptingPublishHandler: PublishHandler {
    func publish(_ request: PublishRequest) async -> PublishDecision {
        let queue = LiveMediaQueue()
        // Ends when the route finishes the queue (every accepted connection does, however it ends).
        Task { while await queue.next(wake: .everyEvent) != nil {} }
        return .accept(queue)
    }
}
