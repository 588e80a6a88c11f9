import Foundation
import TestSupport

/// Segments written by Debian's ffmpeg, made once per test run into the run's scratch folder
/// (`TestScratch`): the parse-only side of the box tests. Two seconds of 160x120 H.264 at 25 fps
/// with B-frames and a keyframe every second, plus mono AAC at 48 kHz:
///
/// - `hls/`: `-f hls -hls_segment_type fmp4 -hls_time 1` → `init.mp4`, `seg0.m4s`, `seg1.m4s`
/// - `frag.mp4`: `-movflags frag_keyframe+empty_moov+default_base_moof` → ftyp, moov, then one
///   moof + mdat per keyframe
actor FFmpegSegmentFixtures {
    static let shared = FFmpegSegmentFixtures()

    static let frameRate = 25
    static let seconds = 2

    private let folderName: String
    /// The one making of the fixture. Callers that arrive while ffmpeg runs (the actor is
    /// reentrant at each await) wait for it instead of making the folder again under the
    /// first caller's feet.
    private var making: Task<URL, any Error>?
    /// How many times the fixture was made: once per instance.
    private(set) var makings = 0

    init(folderName: String = "segmenter-ffmpeg") { self.folderName = folderName }

    /// The folder holding `hls/` and `frag.mp4`.
    func directory() async throws -> URL {
        if let making { return try await making.value }
        let folderName = folderName
        let task = Task { try await Self.make(folderName) }
        making = task
        makings += 1
        return try await task.value
    }

    private static func make(_ folderName: String) async throws -> URL {
        let folder = try TestScratch.directory(folderName)
        let inputs = [
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=\(Self.frameRate)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "\(Self.seconds)", "-c:v", "libx264", "-g", "\(Self.frameRate)", "-bf", "2", "-c:a", "aac", "-ac", "1",
        ]
        let hls = folder.appendingPathComponent("hls", isDirectory: true)
        try FileManager.default.createDirectory(at: hls, withIntermediateDirectories: true)
        try await Self.ffmpeg(
            inputs + [
                "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_playlist_type", "vod",
                "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", hls.appendingPathComponent("seg%d.m4s").path,
                hls.appendingPathComponent("index.m3u8").path,
            ])
        try await Self.ffmpeg(
            inputs + [
                "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", folder.appendingPathComponent("frag.mp4").path,
            ])
        return folder
    }

    /// Runs ffmpeg (`Subprocess`: no stdin, killed after two minutes).
    static func ffmpeg(_ arguments: [String]) async throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/ffmpeg" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw FixtureError("ffmpeg not found: run scripts/setup.sh (installs Debian's ffmpeg)") }
        let result = try await Subprocess.run(path, ["-nostdin", "-y", "-v", "error"] + arguments)
        guard result.succeeded else { throw FixtureError("ffmpeg failed:\n\(result.summary)") }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
