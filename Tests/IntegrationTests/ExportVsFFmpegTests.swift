import Foundation
import Segmenter
import TestSupport
import Testing

/// `hlsseg export` against `ffmpeg -c copy -movflags +faststart` on the same fMP4 HLS
/// recording, table by table: per track the same sample count, sizes, durations, sync samples
/// and composition offsets. The differences docs/export.md lists are the only ones allowed.
@Suite("export: the sample tables FFmpeg writes", .timeLimit(.minutes(5)))
struct ExportVsFFmpegTests {
    /// One track's samples, expanded from its tables.
    struct Samples: Equatable, CustomStringConvertible {
        var sizes: [UInt32] = []
        var durations: [UInt32] = []
        var syncSamples: [Int] = []
        /// Composition offsets less the smallest one: FFmpeg shifts them (and its edit list)
        /// where we keep the source's.
        var offsets: [Int64] = []

        var description: String { "\(sizes.count) samples, \(syncSamples.count) sync" }
    }

    static func samples(_ url: URL) throws -> [String: Samples] {
        let movie = try InitSegment.movie(parsing: Array(try Data(contentsOf: url)))
        var tracks: [String: Samples] = [:]
        for trak in movie.tracks {
            let table = trak.media.information.sampleTable
            var samples = Samples()
            switch table.sampleSize.sizes {
            case .constant(let size, let count): samples.sizes = Array(repeating: size, count: Int(count))
            case .perSample(let sizes): samples.sizes = sizes
            }
            samples.durations = table.timeToSample.entries.flatMap { Array(repeating: $0.sampleDelta, count: Int($0.sampleCount)) }
            samples.syncSamples = table.syncSample.map { $0.sampleNumbers.map { Int($0) } } ?? Array(1...samples.sizes.count)
            let offsets =
                table.compositionOffset.map { $0.entries.flatMap { Array(repeating: $0.sampleOffset, count: Int($0.sampleCount)) } }
                ?? Array(repeating: 0, count: samples.sizes.count)
            let lowest = offsets.min() ?? 0
            samples.offsets = offsets.map { $0 - lowest }
            tracks[trak.media.handler.handlerType.description] = samples
        }
        return tracks
    }

    @Test("H.264 with B-frames + AAC from FFmpeg's HLS: the same samples; only the last duration may differ")
    func sameSampleTables() async throws {
        let source = try await FixtureStore.shared.url(.highProfileBFrames)
        let directory = try TestScratch.directory("export-vs-ffmpeg")
        let playlist = try await Probe.ffmpegHLS(of: source, in: directory)
        let ours = directory.appendingPathComponent("hlsseg.mp4")
        let theirs = directory.appendingPathComponent("ffmpeg.mp4")
        let exported = try await Subprocess.run(try Tools.hlsseg(), ["export", playlist.path, "-o", ours.path], timeout: .seconds(60))
        try #require(exported.succeeded, "\(exported.summary)")
        try await Probe.ffmpegMake(["-i", playlist.path, "-c", "copy", "-movflags", "+faststart", theirs.path])

        let (mine, reference) = (try Self.samples(ours), try Self.samples(theirs))
        #expect(Set(mine.keys) == ["vide", "soun"] && Set(reference.keys) == ["vide", "soun"], "\(mine.keys) \(reference.keys)")
        for kind in ["vide", "soun"] {
            let (a, b) = (try #require(mine[kind]), try #require(reference[kind]))
            #expect(a.sizes == b.sizes, "\(kind) sizes: \(a) vs \(b)")
            #expect(a.syncSamples == b.syncSamples, "\(kind) sync samples")
            #expect(a.offsets == b.offsets, "\(kind) composition offsets")
            // The last sample: ours keeps the segment's own duration, FFmpeg's muxer derives one (docs/export.md).
            #expect(a.durations.dropLast() == b.durations.dropLast(), "\(kind) durations")
        }
    }
}
