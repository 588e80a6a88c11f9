import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of the test harness itself (missing tool, fixture that could not be made, a
/// command that did not finish). Swift Testing records the description as the issue.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// What a finished (or killed) child process left behind.
public struct ProcessOutput: Sendable {
    public var command: [String]
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool

    public var succeeded: Bool { status == 0 && !timedOut }

    /// The non-empty lines of stderr, trimmed.
    public var stderrLines: [String] {
        stderr.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The command as it could be pasted into a shell, for failure messages.
    public var commandLine: String { command.map(shellQuoted).joined(separator: " ") }

    /// A short account of the run for an `#expect` comment.
    public var summary: String {
        var text = "$ \(commandLine)\nexit \(status)\(timedOut ? " (killed after timeout)" : "")"
        if !stderr.isEmpty { text += "\nstderr:\n\(stderr.suffix(2_000))" }
        return text
    }
}

/// Quotes `word` for a POSIX shell when it needs it.
public func shellQuoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,%+@".contains($0) }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// A counting semaphore for async code: at most `limit` holders at once.
public actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        available = limit
    }

    public func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// The one way tests run child processes (ffmpeg, ffprobe, python, the hlsseg binary): no
/// stdin, output captured to files (no pipe deadlocks on large output), and a hard time limit
/// per process, after which it is terminated, then killed. Each process is waited for on a
/// thread of its own, never on Swift's cooperative pool.
///
/// Swift Testing runs tests concurrently; `run(…, limited: true)` (the default) holds one of
/// `slots`, so that at most one encoder or decoder per core runs at once (CI has 2). Processes
/// that must run beside others (a publisher feeding a server while the test watches) pass
/// `limited: false`.
public enum Subprocess {
    public static let slots = AsyncSemaphore(limit: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `executable` with `arguments`; never throws for a non-zero exit (callers check
    /// `status`), only when the process cannot be started.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Duration = .seconds(120),
        limited: Bool = true
    ) async throws -> ProcessOutput {
        if limited { await slots.acquire() }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<ProcessOutput, any Error>, Never>) in
            Thread { continuation.resume(returning: Result { try runBlocking(executable, arguments, in: directory, timeout: timeout) }) }
                .start()
        }
        if limited { await slots.release() }
        return try result.get()
    }

    /// `run` on the calling thread, which it blocks until the process ends (for fixtures made
    /// in a `static let`). `directory`: the working directory (default: the test's).
    public static func runBlocking(
        _ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Duration = .seconds(120)
    ) throws -> ProcessOutput {
        let captureDir = TestScratch.root.appendingPathComponent("capture", isDirectory: true)
        try FileManager.default.createDirectory(at: captureDir, withIntermediateDirectories: true)
        let token = UUID().uuidString
        let outURL = captureDir.appendingPathComponent("\(token).out")
        let errURL = captureDir.appendingPathComponent("\(token).err")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
        else {
            throw HarnessError("cannot create capture files in \(captureDir.path)")
        }
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        do {
            try process.run()
        } catch {
            try? outHandle.close()
            try? errHandle.close()
            throw HarnessError("cannot start \(executable): \(error)")
        }

        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var timedOut = false
        while process.isRunning {
            if clock.now >= deadline {
                timedOut = true
                process.terminate()
                let killAt = clock.now.advanced(by: .seconds(3))
                while process.isRunning && clock.now < killAt { usleep(50_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()

        let stdout = (try? Data(contentsOf: outURL)) ?? Data()
        let stderr = (try? Data(contentsOf: errURL)) ?? Data()
        return ProcessOutput(
            command: [executable] + arguments,
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self),
            timedOut: timedOut
        )
    }
}
