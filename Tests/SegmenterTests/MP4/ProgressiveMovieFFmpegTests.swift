import Foundation
import TestSupport
import Testing

@testable import Segmenter

/// A progressive MP4 made from FFmpeg's fMP4 HLS segments (H.264 with B-frames + AAC, see
/// `FFmpegSegmentFixtures`), checked by Debian's ffmpeg and ffprobe: it decodes without a
/// word, its moov comes before its mdat, and its packets (timestamps, durations, sizes and
/// bytes) are those of the segments it came from.
@Suite("Progressive MP4: FFmpeg reads what we export", .timeLimit(.minutes(3)))
struct ProgressiveMovieFFmpegTests {
    @Test("fMP4 segments → progressive MP4: ffmpeg decodes it, moov first, same packets as the segments")
    func exportOfFFmpegSegments() async throws {
        let source = FFmpegSegmentCase.all[0]
        let initBytes = try await source.initBytes()
        let segments = try await source.segments()
        let export = try Self.export(initBytes: initBytes, segments: segments)

        let folder = try TestScratch.directory("progressive-ffmpeg")
        let output = folder.appendingPathComponent("out.mp4")
        let original = folder.appendingPathComponent("source.mp4")
        try Data(export).write(to: output)
        try Data(initBytes + segments.joined()).write(to: original)

        // Top level: ftyp, moov, mdat, read by our parser and by ffprobe's trace.
        #expect(try RawBox.sequence(in: export[...]).map(\.type) == ["ftyp", "moov", "mdat"])
        let trace = try await Self.run("ffprobe", ["-v", "trace", "-i", output.path])
        let atoms = trace.stderrLines.compactMap { line -> String? in
            guard let range = line.range(of: "type:'"), line.contains("parent:'root'") else { return nil }
            return String(line[range.upperBound...].prefix(4))
        }
        #expect(atoms == ["ftyp", "moov", "mdat"], "ffprobe's top-level atoms: \(atoms)")

        let decode = try await Self.run("ffmpeg", ["-nostdin", "-v", "error", "-i", output.path, "-f", "null", "-"])
        #expect(decode.succeeded && decode.stderr.isEmpty && decode.stdout.isEmpty, "\(decode.summary)")

        let exported = try await Self.framemd5(output)
        let expected = try await Self.framemd5(original)
        #expect(exported.filter { !$0.hasPrefix("#") }.count == 145)
        #expect(exported == expected)
    }

    @Test("negative composition offsets (ctts version 1): ffmpeg decodes it and shows the same frames")
    func negativeCompositionOffsets() async throws {
        let source = FFmpegSegmentCase.all[0]
        let export = try Self.export(initBytes: try await source.initBytes(), segments: try await source.segments(), negativeOffsets: true)
        let movie = try InitSegment.movie(parsing: export)
        #expect(movie.tracks[0].media.information.sampleTable.compositionOffset?.version == 1)
        #expect(try FileTypeBox(parsing: try RawBox.sequence(in: export[...])[0]).compatibleBrands.contains("iso4"))

        let folder = try TestScratch.directory("progressive-ffmpeg-ctts-v1")
        let output = folder.appendingPathComponent("out.mp4")
        try Data(export).write(to: output)
        let decode = try await Self.run("ffmpeg", ["-nostdin", "-v", "error", "-i", output.path, "-f", "null", "-"])
        #expect(decode.succeeded && decode.stderr.isEmpty && decode.stdout.isEmpty, "\(decode.summary)")
        let sourceFile = folder.appendingPathComponent("source.mp4")
        try Data(try await source.initBytes() + source.segments().joined()).write(to: sourceFile)
        let original = try await Self.framemd5(sourceFile)
        let exported = try await Self.framemd5(output)
        // ffmpeg derives decode times from ctts version 1 on a timeline shifted by the most
        // negative offset, so the dts column and the interleaving differ; each stream's
        // presentation times, durations, sizes and bytes may not.
        #expect(exported.filter { $0.hasPrefix("#") } == original.filter { $0.hasPrefix("#") })
        #expect(Self.framesByStream(exported) == Self.framesByStream(original))
        #expect(Self.framesByStream(exported).map(\.value.count).sorted() == [50, 95])
    }

    /// The progressive file, in memory: a ProgressiveMovie from the init's `trak`s and the
    /// samples of every segment, then each chunk's sample bytes after the header. The init's
    /// edit lists give each track's start delay and presentation start; `negativeOffsets`
    /// moves the presentation start into the composition offsets instead.
    static func export(initBytes: [UInt8], segments: [[UInt8]], negativeOffsets: Bool = false) throws -> [UInt8] {
        let movie = try InitSegment.movie(parsing: initBytes)
        let trex = movie.movieExtends?.trackExtends ?? []
        var samples: [UInt32: [ProgressiveSample]] = [:]
        var data: [UInt32: [ArraySlice<UInt8>]] = [:]
        for segment in segments {
            for timing in try SegmentFragments(parsing: segment).trackFragmentTimings(trackExtends: trex) {
                for sample in timing.samples {
                    samples[timing.trackID, default: []].append(
                        ProgressiveSample(
                            duration: sample.duration, size: sample.size,
                            compositionOffset: try #require(Int32(exactly: sample.compositionOffset)),
                            isSync: sample.isSync))
                    data[timing.trackID, default: []].append(segment[sample.dataRange])
                }
            }
        }
        let tracks = try movie.tracks.map { trak in
            let edits = trak.edit?.editList?.entries ?? []
            let emptyEdits = edits.prefix { $0.mediaTime == EditListBox.emptyEditMediaTime }
            let startDelay = emptyEdits.reduce(UInt64(0)) { $0 + $1.segmentDuration }
            var track = ProgressiveTrack(
                template: trak, samples: try #require(samples[trak.header.trackID]),
                presentationStart: edits.dropFirst(emptyEdits.count).first?.mediaTime ?? 0,
                startDelay: startDelay * 1000 / UInt64(movie.header.timescale))
            if negativeOffsets {
                // The timeline of our own segments: presentation starts at media time 0, so
                // the frames a B-frame delay puts first get negative offsets (ctts version 1).
                let shift = try #require(Int32(exactly: track.presentationStart))
                for index in track.samples.indices { track.samples[index].compositionOffset -= shift }
                track.presentationStart = 0
            }
            return track
        }
        let progressive = try ProgressiveMovie(tracks: tracks)
        let bound = ProgressiveMovie.headerSizeUpperBound(templates: movie.tracks, sampleCounts: tracks.map(\.samples.count))
        #expect(progressive.header.count <= bound)
        var bytes = progressive.header
        bytes.reserveCapacity(Int(progressive.fileSize))
        for chunk in progressive.chunks {
            let trackData = try #require(data[movie.tracks[chunk.track].header.trackID])
            for index in chunk.samples { bytes += trackData[index] }
        }
        #expect(bytes.count == Int(progressive.fileSize))
        return bytes
    }

    /// `ffmpeg -i file -c copy -f framemd5 -`: one line per packet, after the stream headers.
    static func framemd5(_ file: URL) async throws -> [String] {
        let result = try await run("ffmpeg", ["-nostdin", "-v", "error", "-i", file.path, "-c", "copy", "-f", "framemd5", "-"])
        try #require(result.succeeded, "\(result.summary)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// framemd5 packet lines without their dts, per stream in order: pts, duration, size, hash.
    static func framesByStream(_ lines: [String]) -> [String: [[String]]] {
        var streams: [String: [[String]]] = [:]
        for line in lines where !line.hasPrefix("#") {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 6 else { continue }
            streams[fields[0], default: []].append(Array(fields[2...]))
        }
        return streams
    }

    /// Runs a tool found on PATH (installed by scripts/setup.sh: Debian's ffmpeg package).
    static func run(_ tool: String, _ arguments: [String]) async throws -> ProcessOutput {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        let executable = try #require(path, "\(tool) not found: run scripts/setup.sh (installs Debian's ffmpeg)")
        return try await Subprocess.run(executable, arguments)
    }
}
