import Foundation
import Live
import Packager
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A live stream whose disk fills up and empties again: the segments that could not be written
/// are counted and logged once ("writing failed … lost", then "recovered" with the total), the
/// first segment after the gap starts with `EXT-X-DISCONTINUITY` and keeps a true program
/// date-time, nothing listed before is touched, and every listed file decodes.
@Suite("Live ingest on a full disk", .serialized, .timeLimit(.minutes(3)))
struct LiveDiskFullTests {
    /// 14 s of 160×120 H.264 (GOP 1 s) + AAC: about seven 2-s segments published in real time.
    static let fixture: Result<String, any Error> = Result {
        let path = try LiveFixtures.directory.get() + "/long.mp4"
        let result = try LiveFixtures.runSync(
            LiveFixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "14",
                "-c:v", "libx264", "-g", "25", "-preset", "veryfast", "-c:a", "aac", "-b:a", "48k", path,
            ])
        guard result.status == 0 else { throw LiveFixtures.Failure(description: "fixture: \(result.stderr)") }
        return path
    }

    /// A 16 MiB tmpfs at a new folder, unmounted by `unmount`. Mounting needs root (CI runs as
    /// root); without it the test fails saying so.
    struct SmallDisk {
        let path: String

        init() async throws {
            path = try LiveFixtures.temporaryRoot() + "-tmpfs"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mount = try await LiveFixtures.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", path])
            guard mount.status == 0 else {
                throw LiveFixtures.Failure(
                    description: "cannot mount a tmpfs at \(path) (run the tests as root, as CI does): \(mount.stderr)")
            }
        }

        /// Writes a file until the file system has no room left.
        func fill() throws -> String {
            let filler = path + "/filler"
            let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw LiveFixtures.Failure(description: "cannot create \(filler)") }
            defer { close(descriptor) }
            let chunk = [UInt8](repeating: 0xAB, count: 64 << 10)
            var written = 0
            while written < 64 << 20 {
                let count = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                written += count
            }
            return filler
        }

        func unmount() async {
            _ = try? await LiveFixtures.run("/bin/umount", ["-l", path])
        }
    }

    @Test func segmentsLostOnAFullDiskAreCountedLoggedAndMarked() async throws {
        let disk = try await SmallDisk()
        defer { Task { await disk.unmount() } }
        let log = RecordingLogHandler.Lines()
        var packager = LiveConfiguration.defaultPackager
        packager.flags.insert(.programDateTime)
        let server = try await LiveTestServer.start(root: disk.path + "/streams", packager: packager, log: log)
        defer { Task { await server.stop() } }

        async let publish = LiveFixtures.publish(port: server.port, key: "cam", input: try Self.fixture.get())
        // Generous: the whole suite runs beside it (libx265 fixtures, a 24-hour AAC encode).
        #expect(await waitUntil(seconds: 40) { Self.segments(server.playlist("cam")).count >= 2 })
        let listedBefore = try #require(server.playlist("cam"))
        let filler = try disk.fill()
        #expect(await waitUntil(seconds: 30) { log.contains("writing failed") }, "\(log.all)")
        try await Task.sleep(for: .seconds(2.5))  // at least one more segment lost
        try FileManager.default.removeItem(atPath: filler)
        let published = try await publish
        #expect(published.status == 0, "\(published.stderr)")
        #expect(await server.waitForEnd("cam", seconds: 10))

        let playlist = try #require(server.playlist("cam"))
        #expect(playlist.hasPrefix(listedBefore), "what was listed before the disk filled is unchanged")
        let segments = Self.segments(playlist)
        let gaps = segments.indices.filter { segments[$0].discontinuity }
        #expect(gaps.count == 1, "one discontinuity, at the gap:\n\(playlist)")

        let lostFrames = try #require(server.metric("hlsseg_live_frames_lost_total"))
        let lostSeconds = try #require(server.metric("hlsseg_live_media_lost_seconds_total"))
        #expect(lostFrames > 0 && lostSeconds >= 2, "lost \(lostFrames) frames, \(lostSeconds) s")
        let received = server.metric("hlsseg_live_frames_received_total") ?? 0
        let segmented = server.metric("hlsseg_live_frames_segmented_total") ?? 0
        let dropped = server.metric("hlsseg_live_frames_dropped_total") ?? 0
        #expect(received == segmented + dropped + lostFrames, "every frame received is segmented, dropped or lost")

        if let gap = gaps.first, gap > 0 {
            let before = segments[gap - 1]
            let after = segments[gap]
            let jump = after.date - (before.date + before.duration)
            #expect(abs(jump - lostSeconds) < 0.05, "the program date-time jumps by the lost media: \(jump) s vs \(lostSeconds) s")
        }
        #expect(log.contains("lost"), "\(log.all)")
        #expect(log.all.contains { $0.contains("recovered") && $0.contains("lost") }, "\(log.all)")
        #expect(log.all.filter { $0.contains("writing failed") }.count == 1, "said once: \(log.all)")

        let decode = try await LiveFixtures.run(
            LiveFixtures.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", "\(server.root)/cam/index.m3u8", "-f", "null", "-"])
        #expect(decode.status == 0, "decode: \(decode.stderr)")
        for segment in segments {
            let one = try await LiveFixtures.run(
                "/bin/sh",
                [
                    "-c",
                    "cat '\(server.root)/cam/init.mp4' '\(server.root)/cam/\(segment.uri)' | \(LiveFixtures.ffmpeg) -hide_banner -loglevel error -i - -f null -",
                ])
            #expect(one.status == 0 && one.stderr.isEmpty, "\(segment.uri): \(one.stderr)")
        }
    }

    struct Listed {
        var uri: String
        var duration: Double
        /// Program date-time, seconds since 1970.
        var date: Double
        var discontinuity: Bool
    }

    /// The segments of a playlist text, with the tags this test looks at.
    static func segments(_ playlist: String?) -> [Listed] {
        guard let playlist else { return [] }
        var result: [Listed] = []
        var duration = 0.0
        var date = 0.0
        var discontinuity = false
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for line in playlist.split(separator: "\n").map(String.init) {
            if line.hasPrefix("#EXTINF:") {
                duration = Double(line.dropFirst("#EXTINF:".count).prefix { $0 != "," }) ?? 0
            } else if line.hasPrefix("#EXT-X-PROGRAM-DATE-TIME:") {
                date = formatter.date(from: String(line.dropFirst("#EXT-X-PROGRAM-DATE-TIME:".count)))?.timeIntervalSince1970 ?? 0
            } else if line == "#EXT-X-DISCONTINUITY" {
                discontinuity = true
            } else if !line.hasPrefix("#") {
                result.append(Listed(uri: line, duration: duration, date: date, discontinuity: discontinuity))
                discontinuity = false
            }
        }
        return result
    }
}
