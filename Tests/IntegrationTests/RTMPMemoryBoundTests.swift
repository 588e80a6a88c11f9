import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hlsseg serve` under connections that never publish but send large unfinished messages and
/// stall: its memory stays bounded, connections over the pending cap are refused and counted in
/// `/metrics`, and a real publisher (ffmpeg) keeps publishing throughout.
///
/// Without the limits each such connection holds about 7 MiB (most of two 4 MiB messages after
/// Set Chunk Size 1 MiB): 200 of them took the server past 1 GB. With them the server holds what
/// the pending connections' shared budget allows (32 MiB) on top of its usual memory.
@Suite("hlsseg serve: memory under stalled RTMP connections", .timeLimit(.minutes(3)))
struct RTMPMemoryBoundTests {
    /// The documented bound (docs/ingest.md, "RTMP limits") on the server's resident memory
    /// with one publisher and these 200 + 150 hostile connections.
    static let residentBound = 200 << 20
    static let pendingCap = 150

    @Test func stalledConnectionsWithLargeUnfinishedMessagesLeaveTheServerBoundedAndThePublisherUnharmed() async throws {
        let fixture = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("rtmp-memory-bound")
        let root = directory.appendingPathComponent("streams", isDirectory: true)
        let (httpPort, rtmpPort) = (try freeLoopbackPort(), try freeLoopbackPort())
        let server = try ServeProcess.start(
            [
                "serve", "--root", root.path, "--http-port", "\(httpPort)", "--rtmp-host", "127.0.0.1", "--rtmp-port", "\(rtmpPort)",
                "--rtmp-max-pending-connections", "\(Self.pendingCap)",
            ], log: directory.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await waitUntil("the RTMP and HTTP ports accept connections", seconds: 30) {
            canConnect(port: rtmpPort) && canConnect(port: httpPort)
        }

        // The healthy publisher: the fixture looped at its own pace for as long as the test runs.
        let publisher = try ServeProcess.start(
            [
                "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", fixture.path, "-c", "copy", "-f", "flv",
                "rtmp://127.0.0.1:\(rtmpPort)/live/cam1",
            ], executable: try Tools.ffmpeg(), log: directory.appendingPathComponent("ffmpeg.log"))
        defer { publisher.stop() }
        let playlist = root.appendingPathComponent("cam1/index.m3u8")
        let segments = { ((try? String(contentsOf: playlist, encoding: .utf8)) ?? "").components(separatedBy: "#EXTINF").count - 1 }
        try await waitUntil("the publisher's first segment", seconds: 30) { segments() >= 1 }
        let segmentsBefore = segments()
        let baseline = try server.residentBytes()
        var peak = baseline
        let metrics = { try httpGet(port: httpPort, path: "/metrics") }

        // Wave 1: 200 connections at once; the first 150 are pending, the other 50 refused.
        var wave = try (0..<200).map { _ in try HostileConnection(port: rtmpPort) }
        let refusedOverTheCap = try await waitUntil(seconds: 20) {
            Self.sample(try metrics(), #"hlsseg_live_rtmp_connections_refused_total{reason="pending_limit"}"#) == 50
        }
        #expect(refusedOverTheCap, "not 50 refusals over the cap in /metrics")
        // Each: handshake, Set Chunk Size 1 MiB, 3.5 MiB of each of two 4 MiB video messages.
        let large = HostileConnection.attack(chunkSize: 1 << 20, messageLength: 4 << 20, sent: 3584 << 10, streams: 2)
        try await HostileConnection.sendAll(large, on: wave) { peak = max(peak, try server.residentBytes()) }
        let closedForTheirMessages = try await waitUntil(seconds: 20) {
            peak = max(peak, try server.residentBytes())
            return Self.sample(try metrics(), "hlsseg_live_rtmp_pending_connections") == 0
        }
        #expect(closedForTheirMessages, "connections with large unfinished messages still pending")
        wave.removeAll()  // closes the client ends

        // Wave 2: 150 connections that each stay just under the 256 KiB one may hold before
        // publishing and stall: together more than the 32 MiB they may hold, so some are closed.
        wave = try (0..<Self.pendingCap).map { _ in try HostileConnection(port: rtmpPort) }
        let justUnder = HostileConnection.attack(chunkSize: 1 << 20, messageLength: 4 << 20, sent: 240 << 10, streams: 1)
        try await HostileConnection.sendAll(justUnder, on: wave) { peak = max(peak, try server.residentBytes()) }
        var text = ""
        let refusedOverTheBudget = try await waitUntil(seconds: 20) {
            peak = max(peak, try server.residentBytes())
            text = try metrics()
            let refused = Self.sample(text, #"hlsseg_live_rtmp_connections_refused_total{reason="buffer_budget"}"#) ?? 0
            return refused > 0 && refused + (Self.sample(text, "hlsseg_live_rtmp_pending_connections") ?? 0) == Double(Self.pendingCap)
        }
        #expect(refusedOverTheBudget, "no refusals over the budget, or they and the stalled connections are not all 150:\n\(text)")
        for _ in 0..<10 {  // stalled: the memory they hold stays
            peak = max(peak, try server.residentBytes())
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Self.sample(text, #"hlsseg_live_rtmp_connections_refused_total{reason="pending_limit"}"#) == 50, "\(text)")

        // The publisher went on: two more segments (4 s) after all of this.
        let segmentsAfterAttack = segments()
        try await waitUntil("two more segments from the publisher", seconds: 20) { segments() >= segmentsAfterAttack + 2 }
        #expect(segments() > segmentsBefore)
        #expect(publisher.isRunning, "ffmpeg stopped publishing:\n\(publisher.logText.suffix(2_000))")

        #expect(
            peak < Self.residentBound,
            "resident memory peaked at \(peak >> 20) MiB (\(baseline >> 20) MiB before the attack), over the \(Self.residentBound >> 20) MiB bound"
        )
        let log = server.logText
        #expect(log.contains("code=limitExceeded") && log.contains("before a publish was accepted"), "\(log.suffix(3_000))")
        #expect(log.contains("--rtmp-max-pending-connections") && log.contains("--rtmp-pending-buffer-budget"), "\(log.suffix(3_000))")
        // Rate-limited: 50 refusals within a second or two are a line or two, not 50.
        let refusalLines = log.split(separator: "\n").filter { $0.contains("--rtmp-max-pending-connections") }
        #expect((1...3).contains(refusalLines.count), "\(refusalLines)")
        wave.removeAll()
    }

    /// A sample's value in Prometheus text (`name` with its labels, as rendered), nil if absent.
    static func sample(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}

/// A raw TCP connection to the RTMP port that sends hostile bytes without ever reading.
final class HostileConnection {
    let descriptor: Int32
    private var offset = 0
    /// The server closed it (a send failed with EPIPE / ECONNRESET).
    private(set) var closedByServer = false

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket(): \(String(cString: strerror(errno)))") }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(descriptor)
            throw HarnessError("connect(127.0.0.1:\(port)): \(String(cString: strerror(errno)))")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(descriptor) }

    /// C0 C1 C2, then `RTMPPartialMessages`: large video messages never finished.
    static func attack(chunkSize: Int, messageLength length: Int, sent: Int, streams: Int) -> [UInt8] {
        [3] + [UInt8](repeating: 0, count: 1536) + [UInt8](repeating: 0x5A, count: 1536)
            + RTMPPartialMessages.bytes(chunkSize: chunkSize, length: length, sent: sent, streams: streams)
    }

    /// Sends what the socket takes now; true while there is more to send and the server has not
    /// closed the connection.
    func sendSome(_ bytes: [UInt8]) -> Bool {
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                offset += count
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                return true
            } else {
                closedByServer = true
                return false
            }
        }
        return false
    }

    /// Sends `bytes` on every connection, round after round, until each has sent all or was
    /// closed, or nothing moved for two seconds (the server stopped reading: a stall).
    static func sendAll(_ bytes: [UInt8], on connections: [HostileConnection], between: () throws -> Void) async throws {
        var busy = connections
        var idleSince = ContinuousClock.now
        while !busy.isEmpty, ContinuousClock.now - idleSince < .seconds(2) {
            let before = busy.map(\.offset).reduce(0, +)
            busy = busy.filter { $0.sendSome(bytes) }
            if busy.map(\.offset).reduce(0, +) != before { idleSince = .now }
            try between()
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

@Suite("hlsseg serve: RTMP limit options")
struct RTMPLimitOptionTests {
    @Test(arguments: [
        (["--rtmp-max-message-size", "1000"], "--rtmp-max-message-size"),
        (["--rtmp-max-message-size", "16777216"], "--rtmp-max-message-size"),
        (["--rtmp-max-pending-connections", "0"], "--rtmp-max-pending-connections"),
        (["--rtmp-pending-buffer-budget", "1024"], "--rtmp-pending-buffer-budget"),
    ])
    func aValueOutOfRangeIsRefusedWithTheOptionNamed(arguments: [String], option: String) async throws {
        let root = try TestScratch.directory("serve-bad-rtmp-limit").appendingPathComponent("streams")
        let result = try await Subprocess.run(
            try Tools.hlsseg(), ["serve", "--root", root.path, "--http-port", "0", "--rtmp-port", "0"] + arguments, timeout: .seconds(30))
        #expect(!result.succeeded && !result.timedOut, "\(result.summary)")
        #expect(result.stderrLines.joined(separator: "\n").contains(option), "\(result.summary)")
    }

    @Test func aValueOutOfRangeInTheConfigurationFileIsRefusedWithTheKeyNamed() async throws {
        try await expectServeRefusesConfiguration(
            "rtmp_max_message_size: 100\n", naming: "rtmp_max_message_size", scratch: "serve-bad-rtmp-limit-file")
    }
}
