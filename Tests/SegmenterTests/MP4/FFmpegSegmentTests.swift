import Foundation
import TestSupport
import Testing

@testable import Segmenter

/// The parse-only table: segments FFmpeg wrote (see `FFmpegSegmentFixtures`) read by our box
/// parsers, with what the encoder was asked for as the oracle: 50 frames at 25 fps with
/// B-frames and a keyframe per second, two seconds of AAC.
struct FFmpegSegmentCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// The file holding ftyp + moov.
    var initFile: String
    /// Files holding the moof + mdat pairs; `*` matches a segment number.
    var segmentPattern: String
    /// A prefix can be a whole file only when the file holds one fragment.
    var everyPrefixFails: Bool

    var testDescription: String { name }

    static let all = [
        FFmpegSegmentCase(
            name: "hls fmp4 (init.mp4 + seg*.m4s)", initFile: "hls/init.mp4", segmentPattern: "hls/seg*.m4s", everyPrefixFails: true),
        FFmpegSegmentCase(name: "frag_keyframe+empty_moov mp4", initFile: "frag.mp4", segmentPattern: "frag.mp4", everyPrefixFails: false),
    ]

    func initBytes() async throws -> [UInt8] {
        let folder = try await FFmpegSegmentFixtures.shared.directory()
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(initFile)))
    }

    /// The segment files in number order.
    func segments() async throws -> [[UInt8]] {
        let folder = try await FFmpegSegmentFixtures.shared.directory()
        guard segmentPattern.contains("*") else { return [[UInt8](try Data(contentsOf: folder.appendingPathComponent(segmentPattern)))] }
        let parts = segmentPattern.split(separator: "*", maxSplits: 1).map(String.init)
        let directory = folder.appendingPathComponent(parts[0]).deletingLastPathComponent()
        let prefix = URL(fileURLWithPath: parts[0]).lastPathComponent
        let numbered = try FileManager.default.contentsOfDirectory(atPath: directory.path).compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix), name.hasSuffix(parts[1]) else { return nil }
            return Int(name.dropFirst(prefix.count).dropLast(parts[1].count)).map { ($0, name) }
        }
        return try numbered.sorted { $0.0 < $1.0 }.map { [UInt8](try Data(contentsOf: directory.appendingPathComponent($0.1))) }
    }
}

@Suite("ISO-BMFF boxes: FFmpeg's segments, parse only", .timeLimit(.minutes(3)))
struct FFmpegSegmentTests {
    /// Tests run in parallel and all ask for the fixture at once: it is made once, and no
    /// caller reads files another caller is writing again.
    @Test func fixtureIsMadeOnceForConcurrentCallers() async throws {
        let fixtures = FFmpegSegmentFixtures(folderName: "segmenter-ffmpeg-concurrent")
        async let first = fixtures.directory()
        async let second = fixtures.directory()
        async let third = fixtures.directory()
        let folders = try await [first, second, third]
        #expect(Set(folders).count == 1)
        #expect(await fixtures.makings == 1)
    }

    @Test("init: the tracks ffmpeg was asked for", arguments: FFmpegSegmentCase.all)
    func initSegment(_ row: FFmpegSegmentCase) async throws {
        let bytes = try await row.initBytes()
        let tracks = try InitSegment.tracks(parsing: bytes)
        try #require(tracks.count == 2, "\(tracks)")
        guard case .video(.h264, 160, 120, _) = tracks[0].format, case .audio(.aac, 48000, 1, _) = tracks[1].format else {
            Issue.record("expected 160x120 H.264 then 48 kHz mono AAC: \(tracks)")
            return
        }
        #expect(tracks[1].format.codecs == "mp4a.40.2")
        let movie = try InitSegment.movie(parsing: bytes)
        #expect(movie.movieExtends?.trackExtends.map(\.trackID) == tracks.map(\.id))
        #expect(try MovieBox(parsing: movie.serialized) == movie, "the parsed moov survives writing")
    }

    @Test("fragments: sample timing, sync samples, data ranges", arguments: FFmpegSegmentCase.all)
    func fragments(_ row: FFmpegSegmentCase) async throws {
        let movie = try InitSegment.movie(parsing: try await row.initBytes())
        let trex = movie.movieExtends?.trackExtends ?? []
        let videoID = try #require(movie.tracks.first { $0.media.handler.handlerType == HandlerBox.video }?.header.trackID)
        let audio = try #require(movie.tracks.first { $0.media.handler.handlerType == HandlerBox.sound })
        let segments = try await row.segments()
        #expect(segments.count == (row.segmentPattern.contains("*") ? FFmpegSegmentFixtures.seconds : 1))

        var timings: [TrackFragmentTiming] = []
        for bytes in segments {
            let parsed = try SegmentFragments(parsing: bytes)
            let segmentTimings = try parsed.trackFragmentTimings(trackExtends: trex)
            for fragment in parsed.fragments {
                // Every byte of the mdats belongs to exactly one sample, in order.
                let ranges = segmentTimings.filter { $0.sequenceNumber == fragment.box.header.sequenceNumber }
                    .flatMap(\.samples).map(\.dataRange).sorted { $0.lowerBound < $1.lowerBound }
                #expect(ranges.reduce(0) { $0 + $1.count } == fragment.mediaData.reduce(0) { $0 + $1.count })
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound })
                // FFmpeg's moof holds only boxes we model: it re-serializes byte for byte.
                let size = Int(bytes[fragment.moofStart..<fragment.moofStart + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                #expect(fragment.box.serialized == Array(bytes[fragment.moofStart..<fragment.moofStart + size]))
            }
            // Each segment (HLS) or fragment (frag_keyframe) starts with a keyframe.
            for timing in segmentTimings where timing.trackID == videoID {
                #expect(timing.samples.first?.isSync == true, "fragment \(timing.sequenceNumber) starts with a non-sync sample")
            }
            timings += segmentTimings
        }

        for trackID in [videoID, audio.header.trackID] {
            let track = timings.filter { $0.trackID == trackID }
            for (previous, next) in zip(track, track.dropFirst()) {
                #expect(next.baseMediaDecodeTime == previous.baseMediaDecodeTime + previous.duration, "track \(trackID): tfdt continues")
            }
        }
        let video = timings.filter { $0.trackID == videoID }.flatMap(\.samples)
        #expect(video.count == FFmpegSegmentFixtures.frameRate * FFmpegSegmentFixtures.seconds)
        #expect(video.contains { $0.compositionOffset != 0 }, "B-frames need composition offsets")
        // Presentation order is one frame apart throughout: the composition offsets were read right.
        let presentation = video.map(\.presentationTime).sorted()
        let frame = try #require(video.first.map { Int64($0.duration) })
        #expect(zip(presentation, presentation.dropFirst()).allSatisfy { $1 - $0 == frame })

        let audioSamples = timings.filter { $0.trackID == audio.header.trackID }.flatMap(\.samples)
        let audioSeconds = Double(audioSamples.reduce(0) { $0 + UInt64($1.duration) }) / Double(audio.media.header.timescale)
        #expect(abs(audioSeconds - Double(FFmpegSegmentFixtures.seconds)) < 0.1, "\(audioSeconds) s of audio")
        #expect(audioSamples.allSatisfy { $0.isSync })
    }

    @Test("every proper prefix fails cleanly", arguments: FFmpegSegmentCase.all)
    func truncationSweep(_ row: FFmpegSegmentCase) async throws {
        let initBytes = try await row.initBytes()
        let moovEnd = try RawBox.sequence(in: initBytes[...]).first { $0.type == MovieBox.boxType }.map(\.body.endIndex) ?? 0
        for length in 0..<moovEnd {
            let code = segmenterErrorCode { _ = try InitSegment.tracks(parsing: Array(initBytes[..<length])) }
            #expect(code == .truncated || code == .missingBox, "init prefix of \(length) bytes")
        }
        for segment in try await row.segments() {
            for length in 0..<segment.count {
                let code = segmenterErrorCode { _ = try SegmentFragments(parsing: segment[..<length]) }
                if row.everyPrefixFails || code != nil {
                    #expect(code == .truncated || code == .missingBox, "segment prefix of \(length) bytes")
                }
            }
        }
    }

    @Test("seeded mutations never crash", arguments: FFmpegSegmentCase.all)
    func mutations(_ row: FFmpegSegmentCase) async throws {
        let initBytes = try await row.initBytes()
        let segment = try #require(try await row.segments().first)
        let trex = (try InitSegment.movie(parsing: initBytes)).movieExtends?.trackExtends ?? []
        var random = SeededRandom(seed: 0x6666_6d70_6567)
        for _ in 0..<500 {
            var bytes = initBytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = segmenterErrorCode {
                let movie = try InitSegment.movie(parsing: bytes)
                _ = try InitSegment.tracks(parsing: bytes)
                let again = try MovieBox(parsing: movie.serialized)
                #expect(again == movie)
            }
        }
        // Mutations land in the moof (the first 2 KB), where the structure is.
        let span = min(segment.count, 2048)
        for _ in 0..<500 {
            var bytes = segment
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<span, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = segmenterErrorCode {
                let parsed = try SegmentFragments(parsing: bytes)
                for timing in try parsed.trackFragmentTimings(trackExtends: trex) {
                    for sample in timing.samples { _ = bytes[sample.dataRange] }
                }
            }
        }
    }
}
