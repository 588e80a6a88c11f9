import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs for the playlist and crash tests, made once per run with Debian's ffmpeg. Short on
/// purpose: the crash test restarts hlsseg on them more than twenty times.
enum PlaylistFixture: String, Sendable, CaseIterable {
    /// 320x180, 25 fps, keyframe every second, B-frames, + AAC 48 kHz; 4 s.
    case short320 = "pl-short-320x180.mp4"
    /// The same at 256x144 (a different SPS: a codec change for append_list).
    case short256 = "pl-short-256x144.mp4"
    /// 640x360, 30 fps, keyframes every 2 s, + AAC; 12 s (FFmpeg comparisons with hls_time 3).
    case gop2s = "pl-gop2-12s.mp4"

    var arguments: [String] {
        func av(_ size: String, _ rate: Int, _ seconds: Int, gop: Int) -> [String] {
            [
                "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate):duration=\(seconds)",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)",
                "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-sc_threshold", "0", "-g", "\(gop)", "-bf", "2", "-c:a", "aac", "-b:a", "64k", "-ac", "2",
            ]
        }
        switch self {
        case .short320: return av("320x180", 25, 4, gop: 25)
        case .short256: return av("256x144", 25, 4, gop: 25)
        case .gop2s: return av("640x360", 30, 12, gop: 60)
        }
    }
}

actor PlaylistFixtureStore {
    static let shared = PlaylistFixtureStore()
    private var made: [PlaylistFixture: Task<URL, any Error>] = [:]

    func url(_ fixture: PlaylistFixture) async throws -> URL {
        if let task = made[fixture] { return try await task.value }
        let task = Task<URL, any Error> {
            let directory = TestScratch.root.appendingPathComponent("playlist-fixtures", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = directory.appendingPathComponent(fixture.rawValue)
            try await Probe.ffmpegMake(fixture.arguments + [url.path])
            return url
        }
        made[fixture] = task
        return try await task.value
    }
}

/// Starts `hlsseg` and kills it with SIGKILL after `after`, unless it ended first.
/// Returns true when it was killed.
func runAndKill(_ arguments: [String], after: Duration) async throws -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try Tools.hlsseg())
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: after)
    while process.isRunning && clock.now < deadline {
        try? await Task.sleep(for: .milliseconds(5))
    }
    var killed = false
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        killed = true
    }
    process.waitUntilExit()
    return killed
}

/// The media segments of a playlist with the tags the playlist tests look at, read
/// independently of the product's parser.
struct PlaylistSegments {
    struct Entry: Equatable {
        var uri: String
        var duration: Double
        var discontinuity: Bool
        var map: String?
    }

    var entries: [Entry] = []
    var mediaSequence = 0
    var discontinuitySequence = 0
    var text: String

    init(contentsOf url: URL) throws {
        text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        var discontinuity = false
        var map: String?
        var duration: Double?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") {
                mediaSequence = Int(line.dropFirst(22)) ?? -1
            } else if line.hasPrefix("#EXT-X-DISCONTINUITY-SEQUENCE:") {
                discontinuitySequence = Int(line.dropFirst(30)) ?? -1
            } else if line == "#EXT-X-DISCONTINUITY" {
                discontinuity = true
            } else if line.hasPrefix("#EXT-X-MAP:URI=\"") {
                map = String(line.dropFirst(16).prefix { $0 != "\"" })
            } else if line.hasPrefix("#EXTINF:") {
                duration = Double(line.dropFirst(8).prefix { $0 != "," })
            } else if !line.isEmpty, !line.hasPrefix("#") {
                guard let value = duration else { throw HarnessError("URI without EXTINF in:\n\(text)") }
                entries.append(Entry(uri: line, duration: value, discontinuity: discontinuity, map: map))
                discontinuity = false
                duration = nil
            }
        }
    }

    /// The number in a segment name (`seg12.m4s`, `index12.m4s` → 12).
    static func number(_ uri: String) -> Int? {
        let stem = uri.lastIndex(of: ".").map { uri[..<$0] } ?? uri[...]
        return Int(String(stem.reversed().prefix { $0.isNumber }.reversed()))
    }
}

/// Decodes every segment of the playlist at `url` (copied with `#EXT-X-ENDLIST` appended, so
/// ffmpeg reads it as finished) into nothing; returns the run.
func decodePlaylistAsFinished(_ url: URL, scratch: URL) async throws -> ProcessOutput {
    var text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
    let base = url.deletingLastPathComponent().path + "/"
    text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        if line.hasPrefix("#EXT-X-MAP:URI=\"") { return "#EXT-X-MAP:URI=\"" + base + line.dropFirst(16) }
        if !line.isEmpty, !line.hasPrefix("#") { return base + line }
        return String(line)
    }.joined(separator: "\n")
    if !text.contains("#EXT-X-ENDLIST") { text += "#EXT-X-ENDLIST\n" }
    let copy = scratch.appendingPathComponent("check.m3u8")
    try Data(text.utf8).write(to: copy)
    return try await Probe.decode(copy)
}
