import Foundation
import TestSupport

/// Where the programs the integration tests drive live.
enum Tools {
    static let ffmpegMissing = "ffmpeg not found: run scripts/setup.sh (installs Debian's ffmpeg)"

    /// The `hlsseg` binary under test: `$HLSSEG_BIN`, else the `hlsseg` built next to the
    /// running test executable (`.build/debug/hlssegPackageTests.xctest` under `swift test`).
    static func hlsseg() throws -> String {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["HLSSEG_BIN"], !path.isEmpty {
            guard fm.isExecutableFile(atPath: path) else {
                throw HarnessError("HLSSEG_BIN=\(path) is not an executable file")
            }
            return path
        }
        let exe = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("hlsseg").path
        guard fm.isExecutableFile(atPath: candidate) else {
            throw HarnessError(
                "hlsseg binary not found at \(candidate): run `swift build --build-tests` first, or set HLSSEG_BIN")
        }
        return candidate
    }

    static func ffmpeg() throws -> String {
        guard let path = onPath("ffmpeg") else { throw HarnessError(ffmpegMissing) }
        return path
    }

    static func ffprobe() throws -> String {
        guard let path = onPath("ffprobe") else {
            throw HarnessError("ffprobe not found: run scripts/setup.sh (installs Debian's ffmpeg)")
        }
        return path
    }

    private static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Runs `hlsseg segment INPUT... -o OUTDIR ARGS...`.
func runSegment(inputs: [URL], outputDirectory: URL, arguments: [String]) async throws -> ProcessOutput {
    try await Subprocess.run(
        try Tools.hlsseg(),
        ["segment"] + inputs.map(\.path) + ["-o", outputDirectory.path] + arguments,
        timeout: .seconds(180)
    )
}
