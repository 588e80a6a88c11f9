import ArgumentParser
import Ingest
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command-line command's work with the terminal's logging (libav's too) and a logger
/// labelled `label`, failures reported as `reportingFailure` does.
func runCommandLine(label: String, verbose: Bool, _ work: (Logger) async throws -> Void) async throws {
    CommandLineLogHandler.bootstrap(verbose: verbose)
    LibAVLog.configure(verbose: verbose)
    let logger = Logger(label: label)
    try await reportingFailure { try await work(logger) }
}

/// Runs a command's work: any error but an `ExitCode` ends it with one `hlsseg: error: …` line
/// and exit status 1, as bad input should.
func reportingFailure(_ work: () async throws -> Void) async throws {
    do {
        try await work()
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("hlsseg: error: \(error)")
        throw ExitCode.failure
    }
}

func printError(_ line: String) {
    writeStandardError(line + "\n")
}

/// Writes straight to file descriptor 2: the C `stderr` global is shared mutable state to Swift 6.
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        guard written > 0 else { return }
        offset += written
    }
}
