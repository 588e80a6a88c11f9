import Foundation
import TestSupport
import Testing

/// Same input, same options as FFmpeg's HLS muxer (`-c copy -f hls -hls_segment_type fmp4`):
/// the same segment boundaries (EXTINF within one frame), numbers and window.
@Suite("playlists: same segments as FFmpeg's hls muxer", .timeLimit(.minutes(5)))
struct PlaylistFFmpegTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var hlsTime: String
        var type: String?
        var listSize: String
        var flags: String?
        var testDescription: String { name }

        var ffmpegOptions: [String] {
            var options = ["-hls_time", hlsTime, "-hls_list_size", listSize]
            if let type { options += ["-hls_playlist_type", type] }
            if let flags { options += ["-hls_flags", flags] }
            return options
        }

        var hlssegOptions: [String] {
            var options = ["--hls-time", hlsTime, "--hls-list-size", listSize, "--hls-playlist-type", type ?? "live"]
            if let flags { options += ["-hls_flags", flags] }
            return options
        }
    }

    static let cases: [Case] = [
        Case(name: "event, hls_time 3 on 2-s GOPs", hlsTime: "3", type: "event", listSize: "0"),
        Case(name: "vod, hls_time 3 on 2-s GOPs", hlsTime: "3", type: "vod", listSize: "0"),
        Case(name: "sliding live, list 3, delete_segments", hlsTime: "2", type: nil, listSize: "3", flags: "delete_segments"),
        Case(name: "sliding live, list 2, hls_time 5", hlsTime: "5", type: nil, listSize: "2", flags: "delete_segments+omit_endlist"),
    ]

    @Test(arguments: cases)
    func sameSegmentsAsFFmpeg(_ testCase: Case) async throws {
        let input = try await PlaylistFixtureStore.shared.url(.gop2s)
        let slug = testCase.name.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let scratch = try TestScratch.directory("ffcompare-" + String(slug))
        let ffDirectory = scratch.appendingPathComponent("ffmpeg", isDirectory: true)
        let ourDirectory = scratch.appendingPathComponent("hlsseg", isDirectory: true)
        try FileManager.default.createDirectory(at: ffDirectory, withIntermediateDirectories: true)

        let ffmpeg = try await Subprocess.run(
            try Tools.ffmpeg(),
            [
                "-nostdin", "-hide_banner", "-v", "error", "-i", input.path, "-c", "copy", "-f", "hls",
                "-hls_segment_type", "fmp4",
            ] + testCase.ffmpegOptions + [ffDirectory.appendingPathComponent("index.m3u8").path])
        #expect(ffmpeg.succeeded, "\(ffmpeg.summary)")
        let ours = try await runSegment(inputs: [input], outputDirectory: ourDirectory, arguments: testCase.hlssegOptions)
        #expect(ours.succeeded, "\(ours.summary)")

        let theirs = try PlaylistSegments(contentsOf: ffDirectory.appendingPathComponent("index.m3u8"))
        let mine = try PlaylistSegments(contentsOf: ourDirectory.appendingPathComponent("index.m3u8"))
        let context = Comment(rawValue: "FFmpeg:\n\(theirs.text)\nhlsseg:\n\(mine.text)")
        #expect(mine.mediaSequence == theirs.mediaSequence, context)
        #expect(mine.entries.count == theirs.entries.count, context)
        #expect(mine.entries.map { PlaylistSegments.number($0.uri) } == theirs.entries.map { PlaylistSegments.number($0.uri) }, context)
        let frame = 1.0 / 30 + 0.001
        for (a, b) in zip(mine.entries, theirs.entries) {
            #expect(abs(a.duration - b.duration) <= frame, "\(a.uri) \(a.duration) vs \(b.uri) \(b.duration). \(context)")
        }
        #expect(mine.text.contains("#EXT-X-ENDLIST") == theirs.text.contains("#EXT-X-ENDLIST"), context)
        if let type = testCase.type {
            #expect(mine.text.contains("#EXT-X-PLAYLIST-TYPE:\(type.uppercased())"), context)
        } else {
            #expect(!mine.text.contains("#EXT-X-PLAYLIST-TYPE"), context)
        }
        // Every listed file is there and plays.
        let decoded = try await decodePlaylistAsFinished(ourDirectory.appendingPathComponent("index.m3u8"), scratch: scratch)
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
    }

    @Test("FFmpeg's own playlists parse, and append_list continues them")
    func continuesAnFFmpegPlaylist() async throws {
        let input = try await PlaylistFixtureStore.shared.url(.short320)
        let scratch = try TestScratch.directory("ffcontinue")
        let directory = scratch.appendingPathComponent("out", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ffmpeg = try await Subprocess.run(
            try Tools.ffmpeg(),
            [
                "-nostdin", "-hide_banner", "-v", "error", "-i", input.path, "-c", "copy", "-f", "hls",
                "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_playlist_type", "event",
                "-hls_segment_filename", directory.appendingPathComponent("seg%d.m4s").path,
                "-hls_flags", "program_date_time", directory.appendingPathComponent("index.m3u8").path,
            ])
        #expect(ffmpeg.succeeded, "\(ffmpeg.summary)")
        let before = try PlaylistSegments(contentsOf: directory.appendingPathComponent("index.m3u8"))
        let initBytes = try Data(contentsOf: directory.appendingPathComponent("init.mp4"))

        let ours = try await runSegment(
            inputs: [input], outputDirectory: directory,
            arguments: ["--hls-time", "1", "--hls-flags", "append_list+program_date_time"])
        #expect(ours.succeeded, "\(ours.summary)")
        let after = try PlaylistSegments(contentsOf: directory.appendingPathComponent("index.m3u8"))
        #expect(Array(after.entries.prefix(before.entries.count)).map(\.uri) == before.entries.map(\.uri))
        #expect(after.entries.count > before.entries.count)
        let added = after.entries[before.entries.count...]
        #expect(added.first?.discontinuity == true)
        #expect(added.map { PlaylistSegments.number($0.uri) } == added.indices.map { $0 })
        // FFmpeg's init file is not ours byte for byte: a new one is written beside it.
        #expect(try Data(contentsOf: directory.appendingPathComponent("init.mp4")) == initBytes)
        #expect(added.first?.map == "init_1.mp4", "\(after.text)")
        let decoded = try await decodePlaylistAsFinished(directory.appendingPathComponent("index.m3u8"), scratch: scratch)
        #expect(decoded.succeeded && decoded.stderrLines.isEmpty, "\(decoded.summary)")
    }
}
