import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A child process of the test (the server, a publisher), its output in a file.
struct ServeProcess {
    let process: Process
    let log: URL

    static func start(_ arguments: [String], executable: String? = nil, log: URL) throws -> ServeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? Tools.hlsseg())
        process.arguments = arguments
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw HarnessError("cannot create \(log.path)") }
        let handle = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ServeProcess(process: process, log: log)
    }

    var isRunning: Bool { process.isRunning }
    var logText: String { String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self) }

    /// SIGTERM, then SIGKILL after three seconds: a child started from a test thread inherits
    /// its blocked signals, and ffmpeg does not unblock SIGTERM.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let killAt = ContinuousClock.now + .seconds(3)
        while process.isRunning, ContinuousClock.now < killAt { usleep(20_000) }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// VmRSS from /proc/<pid>/status, in bytes.
    func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw HarnessError("no VmRSS in /proc/\(process.processIdentifier)/status") }
        return kilobytes << 10
    }

    /// SIGKILL, as a crash or the OOM killer would: no shutdown of any kind.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// `hlsseg serve` with `yaml` as its `--config` file must refuse to start, naming `named`.
func expectServeRefusesConfiguration(_ yaml: String, naming named: String, scratch: String) async throws {
    let directory = try TestScratch.directory(scratch)
    let config = directory.appendingPathComponent("hlsseg.yml")
    try yaml.write(to: config, atomically: true, encoding: .utf8)
    let result = try await Subprocess.run(
        try Tools.hlsseg(),
        [
            "serve", "--root", directory.appendingPathComponent("streams").path, "--http-port", "0", "--rtmp-port", "0", "--config",
            config.path,
        ],
        timeout: .seconds(30))
    #expect(!result.succeeded && !result.timedOut, "\(result.summary)")
    #expect(result.stderrLines.joined(separator: "\n").contains(named), "\(result.summary)")
}
