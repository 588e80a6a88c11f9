import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of the test harness itself (missing tool, fixture that could not be made, a
/// command that did not finish). Swift Testing records the description as the issue.
struct HarnessError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// What a finished (or killed) child process left behind.
struct ProcessOutput: Sendable {
    var command: [String]
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool

    var succeeded: Bool { status == 0 && !timedOut }

    /// The non-empty lines of stderr, trimmed.
    var stderrLines: [String] {
        stderr.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The command as it could be pasted into a shell, for failure messages.
    var commandLine: String { command.map(shellQuoted).joined(separator: " ") }

    /// A short account of the run for an `#expect` comment.
    var summary: String {
        var text = "$ \(commandLine)\nexit \(status)\(timedOut ? " (killed after timeout)" : "")"
        if !stderr.isEmpty { text += "\nstderr:\n\(stderr.suffix(2_000))" }
        return text
    }
}

/// Quotes `word` for a POSIX shell when it needs it.
func shellQuoted(_ word: String) -> String {
    let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,%+@".contains($0) }
    return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// A counting semaphore for async code: at most `limit` holders at once.
actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        available = limit
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Runs child processes with no stdin, output captured to files (no pipe deadlocks on large
/// output) and a hard time limit. Swift Testing runs tests concurrently; `slots` keeps the
/// number of encoders/decoders running at once to the number of cores (CI has 2).
enum Subprocess {
    static let slots = AsyncSemaphore(limit: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `executable` with `arguments`; never throws for a non-zero exit (callers check
    /// `status`), only when the process cannot be started.
    static func run(
        _ executable: String,
        _ arguments: [String],
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessOutput {
        await slots.acquire()
        do {
            let output = try await runHoldingSlot(executable, arguments, timeout: timeout)
            await slots.release()
            return output
        } catch {
            await slots.release()
            throw error
        }
    }

    private static func runHoldingSlot(
        _ executable: String,
        _ arguments: [String],
        timeout: Duration
    ) async throws -> ProcessOutput {
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
                while process.isRunning && clock.now < killAt {
                    try? await Task.sleep(for: .milliseconds(50))
                }
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                }
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
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
