import Foundation
import Ingest
import Live
import Logging
import Packager
import Prometheus
import TestSupport

/// Helpers of the live tests: fixtures made by ffmpeg, child processes, a running hub + RTMP server.
enum LiveFixtures {
    static let ffmpeg = "/usr/bin/ffmpeg"

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// 4 s 160×120 H.264 (B-frames, GOP 1 s) + AAC 48 kHz in mp4; made once per run.
    static let directory: Result<String, any Error> = Result {
        let directory = try TestScratch.directory("live-fixtures").path
        let result = try runSync(
            ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4",
                "-c:v", "libx264", "-profile:v", "high", "-bf", "2", "-g", "25", "-preset", "veryfast",
                "-c:a", "aac", "-b:a", "48k", directory + "/av.mp4",
            ])
        guard result.status == 0 else { throw Failure(description: "fixture: \(result.stderr)") }
        return directory
    }

    static var fixture: String { get throws { try directory.get() + "/av.mp4" } }

    /// 2 s 1920×1080 30 fps H.264 High (B-frames, GOP 1 s) + AAC 48 kHz in mp4; made once per
    /// run. A fixed noise pattern over testsrc2 makes each keyframe several hundred KB (the
    /// test using it checks that the largest frame has at least 200 KB) while the frames
    /// between stay far smaller.
    static let hdDirectory: Result<String, any Error> = Result {
        let directory = try TestScratch.directory("live-fixtures-hd").path
        let result = try runSync(
            ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2", "-vf", "noise=alls=6:allf=u",
                "-c:v", "libx264", "-profile:v", "high", "-bf", "2", "-g", "30", "-preset", "veryfast", "-crf", "20",
                "-c:a", "aac", "-b:a", "64k", directory + "/hd.mp4",
            ])
        guard result.status == 0 else { throw Failure(description: "HD fixture: \(result.stderr)") }
        return directory
    }

    static var hdFixture: String { get throws { try hdDirectory.get() + "/hd.mp4" } }

    static func temporaryRoot() throws -> String {
        try TestScratch.directory("live-\(UUID().uuidString.prefix(8))").path
    }

    /// `Subprocess.runBlocking` (for fixtures made in a `static let`).
    static func runSync(_ tool: String, _ arguments: [String]) throws -> ProcessOutput {
        try Subprocess.runBlocking(tool, arguments)
    }

    /// `Subprocess.run`, not limited to one process per core: live tests run publishers beside
    /// their servers and watch them while they run.
    static func run(_ tool: String, _ arguments: [String]) async throws -> ProcessOutput {
        try await Subprocess.run(tool, arguments, limited: false)
    }

    /// `ffmpeg -re -i fixture -c copy -f flv rtmp://127.0.0.1:port/live/<key>`.
    static func publish(port: Int, key: String, realtime: Bool = true, input: String? = nil) async throws -> ProcessOutput {
        var arguments = ["-hide_banner", "-loglevel", "error", "-nostdin"]
        if realtime { arguments.append("-re") }
        arguments += ["-i", try input ?? fixture, "-c", "copy", "-f", "flv", "rtmp://127.0.0.1:\(port)/live/\(key)"]
        return try await run(ffmpeg, arguments)
    }

    /// The packet hashes of every stream, in order (`-f framemd5` with `-c copy`).
    static func packetHashes(_ input: String) async throws -> [Int: [String]] {
        let output = try await run(
            ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", input, "-map", "0", "-c", "copy", "-f", "framemd5", "-"])
        guard output.status == 0 else { throw Failure(description: "framemd5 of \(input): \(output.stderr)") }
        var hashes: [Int: [String]] = [:]
        for line in output.stdout.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 6, let stream = Int(fields[0]) else { continue }
            hashes[stream, default: []].append(fields[5])
        }
        return hashes
    }

    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}

/// A hub and an RTMP server on an ephemeral 127.0.0.1 port, for one test.
struct LiveTestServer {
    let root: String
    let hub: LiveHub
    let port: Int
    let listener: RTMPServer.Listener
    let task: Task<Void, any Error>
    /// The hub's metrics (`LiveMetrics`) render here.
    let registry: PrometheusCollectorRegistry

    /// - Parameters:
    ///   - root: the stream root (default: a new folder of the test run).
    ///   - packager: the HLS options of every stream (default: the server's).
    ///   - log: where the hub's log lines also go.
    static func start(
        idleTimeout: Duration = .milliseconds(1500), tokens: Set<String> = [], root: String? = nil,
        packager: PackagerConfiguration = LiveConfiguration.defaultPackager, log: RecordingLogHandler.Lines? = nil
    ) async throws -> LiveTestServer {
        let root = try root ?? LiveFixtures.temporaryRoot()
        var logger = Logger(label: "live-test") { label in
            guard let log else { return StreamLogHandler.standardError(label: label) }
            return MultiplexLogHandler([StreamLogHandler.standardError(label: label), log.handler()])
        }
        logger.logLevel = log == nil ? .warning : .info
        let registry = PrometheusCollectorRegistry()
        let hub = LiveHub(
            root: root, configuration: LiveConfiguration(idleTimeout: idleTimeout, packager: packager, publishTokens: tokens),
            logger: logger, metrics: LiveMetrics(registry: registry))
        let server = RTMPServer(host: "127.0.0.1", port: 0, handler: hub, logger: logger)
        let listener = try await server.bind()
        let task = Task { try await listener.run() }
        return LiveTestServer(root: root, hub: hub, port: listener.port, listener: listener, task: task, registry: registry)
    }

    /// A sample's value from the metrics text (`name` with its labels, as rendered), nil if absent.
    func metric(_ name: String) -> Double? { registry.sample(name) }

    func playlist(_ stream: String) -> String? { LiveFixtures.read("\(root)/\(stream)/index.m3u8") }

    func waitForEnd(_ stream: String, seconds: Double = 30) async -> Bool {
        await waitUntil(seconds: seconds) { playlist(stream)?.contains("#EXT-X-ENDLIST") == true }
    }

    func stop() async {
        task.cancel()
        await listener.close()
        _ = await task.result
        await hub.finishAll()
        try? FileManager.default.removeItem(atPath: root)
    }
}

extension PrometheusCollectorRegistry {
    /// A sample's value from the rendered metrics (`name` with its labels, as rendered), nil if absent.
    func sample(_ name: String) -> Double? {
        let text = String(decoding: emitToBuffer(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}
