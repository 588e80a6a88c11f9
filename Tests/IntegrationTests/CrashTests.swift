import Foundation
import TestSupport
import Testing

/// `kill -9` at random moments while `hlsseg segment --re … --hls-flags append_list` writes,
/// restarting each time: nothing that was listed may ever be lost, broken or renamed.
/// The schedule comes from a seed (`HLSSEG_CRASH_SEED` to replay one); it is in every message.
@Suite("crash safety: SIGKILL and append_list", .timeLimit(.minutes(6)))
struct CrashTests {
    static let kills = 22

    @Test func killedAndRestartedLosesNothing() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["HLSSEG_CRASH_SEED"] ?? "") ?? 20_261_121
        var random = SeededRandom(seed: seed)
        let input = try await PlaylistFixtureStore.shared.url(.short320)
        let scratch = try TestScratch.directory("crash")
        let directory = scratch.appendingPathComponent("out", isDirectory: true)
        let playlistURL = directory.appendingPathComponent("index.m3u8")
        let arguments = [
            "segment", input.path, "-o", directory.path, "--re", "--hls-time", "1",
            "--hls-flags", "append_list",
        ]

        // A reference run without --re: what one uninterrupted run writes.
        let referenceDirectory = scratch.appendingPathComponent("reference", isDirectory: true)
        let reference = try await runSegment(inputs: [input], outputDirectory: referenceDirectory, arguments: ["--hls-time", "1"])
        #expect(reference.succeeded, "\(reference.summary)")
        let referenceSegments = try PlaylistSegments(contentsOf: referenceDirectory.appendingPathComponent("index.m3u8"))

        // Entry counts at the start of each run that added segments (where a discontinuity belongs).
        var expectedDiscontinuities: [Int] = []
        var runStarts: [Int] = []  // first index of each run's segments
        var listedCount = 0
        var killed = 0
        var run = 0
        while killed < Self.kills || run == killed {
            // Kill points: early (before the first segment can be ready) to late (near the end of
            // the 4-s input); the last run is let finish.
            let finalRun = killed >= Self.kills
            let delay = finalRun ? Duration.seconds(60) : .milliseconds(Int.random(in: 50...3_800, using: &random))
            let context = "seed \(seed), run \(run), kill after \(delay)"
            let wasKilled = try await runAndKill(arguments, after: delay)
            if wasKilled { killed += 1 }
            run += 1
            guard FileManager.default.fileExists(atPath: playlistURL.path) else {
                #expect(listedCount == 0, "the playlist disappeared. \(context)")
                continue
            }
            let playlist = try PlaylistSegments(contentsOf: playlistURL)
            #expect(playlist.entries.count >= listedCount, "entries were lost. \(context)\n\(playlist.text)")
            if playlist.entries.count > listedCount {
                if listedCount > 0 { expectedDiscontinuities.append(listedCount) }
                runStarts.append(listedCount)
            }
            listedCount = playlist.entries.count
            // Every listed file exists and is complete; the whole playlist decodes cleanly.
            for entry in playlist.entries {
                let path = directory.appendingPathComponent(entry.uri).path
                #expect(FileManager.default.fileExists(atPath: path), "\(entry.uri) missing. \(context)")
            }
            if !playlist.entries.isEmpty, wasKilled || finalRun {
                let decoded = try await decodePlaylistAsFinished(playlistURL, scratch: scratch)
                #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(context)\n\(decoded.summary)")
            }
        }

        let final = try PlaylistSegments(contentsOf: playlistURL)
        let context = Comment(rawValue: "seed \(seed)\n\(final.text)")
        #expect(final.text.hasSuffix("#EXT-X-ENDLIST\n"), context)
        // No name repeated; numbers rise by one from 0.
        #expect(Set(final.entries.map(\.uri)).count == final.entries.count, context)
        #expect(final.entries.map { PlaylistSegments.number($0.uri) } == final.entries.indices.map { $0 }, context)
        // Discontinuities exactly where a restart added segments after earlier ones.
        let discontinuities = final.entries.indices.filter { final.entries[$0].discontinuity }
        #expect(discontinuities == expectedDiscontinuities, context)
        #expect(Set(final.entries.compactMap(\.map)) == ["init.mp4"], context)
        // Each run's segments are the source's: byte for byte the reference run's segments in
        // order (only the mfhd sequence number, which follows the file number, differs).
        let referenceBytes = try referenceSegments.entries.map {
            try Self.withoutSequenceNumber(Data(contentsOf: referenceDirectory.appendingPathComponent($0.uri)))
        }
        for (runIndex, start) in runStarts.enumerated() {
            let end = runIndex + 1 < runStarts.count ? runStarts[runIndex + 1] : final.entries.count
            for (offset, entry) in final.entries[start..<end].enumerated() {
                let bytes = try Self.withoutSequenceNumber(Data(contentsOf: directory.appendingPathComponent(entry.uri)))
                #expect(
                    offset < referenceBytes.count && bytes == referenceBytes[offset],
                    "\(entry.uri) (segment \(offset) of a run) differs from the reference. \(context)")
            }
        }
        #expect(runStarts.count >= 3, "too few runs produced segments to test much. \(context)")
    }

    /// The segment with `moof/mfhd.sequence_number` (bytes 20..<24) zeroed.
    static func withoutSequenceNumber(_ data: Data) throws -> Data {
        var bytes = data
        guard bytes.count > 24, String(decoding: bytes[12..<16], as: UTF8.self) == "mfhd" else {
            throw HarnessError("not a moof-first segment")
        }
        bytes.replaceSubrange(20..<24, with: [0, 0, 0, 0])
        return bytes
    }
}

/// Restart with a different resolution: a new init file and map, and players go across.
@Suite("append_list after a codec change", .timeLimit(.minutes(3)))
struct PlaylistCodecChangeTests {
    @Test func secondMapAndFFmpegPlaysAcross() async throws {
        let first = try await PlaylistFixtureStore.shared.url(.short320)
        let second = try await PlaylistFixtureStore.shared.url(.short256)
        let scratch = try TestScratch.directory("codec-change")
        let directory = scratch.appendingPathComponent("out", isDirectory: true)
        let options = ["--hls-time", "1", "--hls-flags", "append_list+program_date_time"]
        let a = try await runSegment(inputs: [first], outputDirectory: directory, arguments: options)
        let initBytes = try Data(contentsOf: directory.appendingPathComponent("init.mp4"))
        let b = try await runSegment(inputs: [second], outputDirectory: directory, arguments: options)
        #expect(a.succeeded && b.succeeded, "\(a.summary)\n\(b.summary)")

        let playlist = try PlaylistSegments(contentsOf: directory.appendingPathComponent("index.m3u8"))
        let context = Comment(rawValue: playlist.text)
        #expect(playlist.text.components(separatedBy: "#EXT-X-MAP:").count - 1 == 2, context)
        let change = try #require(playlist.entries.firstIndex { $0.map == "init_1.mp4" }, context)
        #expect(playlist.entries[change].discontinuity, context)
        #expect(playlist.entries.filter(\.discontinuity).count == 1, context)
        #expect(try Data(contentsOf: directory.appendingPathComponent("init.mp4")) == initBytes, "old init untouched")

        let decoded = try await Probe.decode(directory.appendingPathComponent("index.m3u8"))
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
        // Both resolutions come out of the decoder.
        let sizes = try await Subprocess.run(
            try Tools.ffmpeg(),
            [
                "-nostdin", "-hide_banner", "-v", "error", "-i", directory.appendingPathComponent("index.m3u8").path,
                "-map", "0:v:0", "-vf", "showinfo", "-f", "null", "-", "-loglevel", "info",
            ])
        #expect(sizes.stderr.contains("s:320x180") && sizes.stderr.contains("s:256x144"), "\(sizes.summary)")
    }
}
