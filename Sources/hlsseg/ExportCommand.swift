import ArgumentParser
import Export
import Foundation
import Ingest
import Logging
import Packager
import Playlist

/// `hlsseg export INPUT… -o OUT.mp4`: a progressive, seekable MP4 (moov first) from an fMP4
/// HLS recording, or from anything `hlsseg segment` reads (segmented into a temporary folder
/// first). Every sample's bytes are the input's.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a stretch of an HLS recording (or any input) as a progressive MP4.",
        discussion: """
            INPUT is an fMP4 HLS media playlist (a path, a stream folder holding index.m3u8, or an \
            http(s) URL), or files and URLs as `hlsseg segment` takes them. T is seconds from the \
            start (7.3), hh:mm:ss, or an ISO 8601 date-time matched against EXT-X-PROGRAM-DATE-TIME. \
            With --max-duration or --max-size, or when the codec configuration changes, the files \
            are OUT_1.mp4, OUT_2.mp4, … See docs/export.md.
            """
    )

    @Argument(help: "An HLS media playlist, a stream folder, or files and URLs to merge.")
    var inputs: [String]

    @Option(name: [.short, .customLong("output")], help: "The MP4 file to write.")
    var output: String

    @Option(help: "Where to start (T). Default: the start of the input.")
    var start: String?

    @Option(help: "Where to end (T). Default: the end of the input.")
    var end: String?

    @Option(help: "Seconds from --start (instead of --end).")
    var duration: Double?

    @Option(name: .customLong("max-duration"), help: "Seconds per file at most; longer exports are split at keyframes.")
    var maxDuration: Double?

    @Option(name: .customLong("max-size"), help: "Bytes per file at most (the moov included); larger exports are split at keyframes.")
    var maxSize: UInt64?

    @Option(name: .hls("framerate"), help: "Frame rate for raw H.264 without timestamps.")
    var framerate: Int = 25

    @Flag(
        name: [.customLong("shortest"), .customLong("shortest", withSingleDash: true)],
        help: "Stop when the shorter of video and audio ends (inputs that are segmented first).")
    var shortest = false

    @Flag(help: "Fail on a missing or damaged segment inside the range instead of skipping it with a warning.")
    var strict = false

    @Flag(name: [.short, .long], help: "Also print informational messages.")
    var verbose = false

    func run() async throws {
        try await runCommandLine(label: "hlsseg.export", verbose: verbose) { try await export(logger: $0) }
    }

    private func export(logger: Logger) async throws {
        let request = try exportRequest()
        let outputFolder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outputFolder, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: outputFolder)
        else {
            throw ExportError(.unwritableOutput, "cannot write \(output): \(outputFolder) is not a writable folder")
        }
        let workspace = try ExportWorkspace()
        defer { workspace.remove() }
        let recording = try await ExportInput(inputs: inputs, framerate: framerate, shortest: shortest)
            .recording(in: workspace, request: request, logger: logger)
        let files = try ExportPlanner(logger: logger).plan(request, from: recording)
        let names = Self.outputNames(output, count: files.count)
        let progress = ProgressLine()
        let totalDuration = files.reduce(0) { $0 + $1.duration }
        var doneDuration = 0.0
        var written: [String] = []
        do {
            for (file, name) in zip(files, names) {
                try ExportWriter().write(file, to: name) { bytes in
                    if progress.isDue() {
                        progress.show(mediaSeconds: doneDuration + file.duration * Double(bytes) / Double(max(file.size, 1)))
                    }
                }
                written.append(name)
                doneDuration += file.duration
            }
        } catch {
            // A failed export leaves nothing under OUT, not even the parts already written.
            for name in written { try? FileManager.default.removeItem(atPath: name) }
            throw error
        }
        progress.finish(mediaSeconds: totalDuration)
        for (file, name) in zip(files, names) {
            logger.info("wrote \(name): \(ProgressLine.clock(file.duration)) from \(ProgressLine.clock(file.start)), \(file.size) bytes")
        }
    }

    private func exportRequest() throws -> ExportRequest {
        if end != nil, duration != nil {
            throw ExportError(.invalidTime, "give --end or --duration, not both")
        }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw ExportError(.invalidTime, "--duration must be a positive number of seconds")
        }
        if let maxDuration, !(maxDuration > 0 && maxDuration.isFinite) {
            throw ExportError(.invalidTime, "--max-duration must be a positive number of seconds")
        }
        if maxSize == 0 { throw ExportError(.invalidTime, "--max-size must be a positive number of bytes") }
        guard framerate > 0 else { throw ExportError(.invalidTime, "--framerate must be positive") }
        return ExportRequest(
            start: try start.map(ExportTime.init(parsing:)), end: try end.map(ExportTime.init(parsing:)), duration: duration,
            maxDuration: maxDuration, maxSize: maxSize, strict: strict)
    }

    /// `OUT.mp4` for one file; `OUT_1.mp4`, `OUT_2.mp4`, … for several.
    static func outputNames(_ output: String, count: Int) -> [String] {
        guard count > 1 else { return [output] }
        let url = URL(fileURLWithPath: output)
        let ext = url.pathExtension
        let base = ext.isEmpty ? output : String(output.dropLast(ext.count + 1))
        return (1...count).map { ext.isEmpty ? "\(base)_\($0)" : "\(base)_\($0).\(ext)" }
    }
}
