import Foundation
import Segmenter
import TestSupport
import Testing

@testable import Export

@Suite("Export: limits, byte ranges, errors")
struct ExportLimitTests {
    @Test("--max-duration 10 over 30 s: parts within the limit, each from a keyframe, every sample once")
    func maxDuration() throws {
        let source = try SyntheticRecording("max-duration", runs: [.init(gops: 15)])
        let files = try plan(ExportRequest(maxDuration: 10), source.playlistPath)
        #expect(files.count == 3)
        var video: [Int] = []
        var audio: [Int] = []
        for file in files {
            #expect(file.duration <= 10 + 1e-6)
            let samples = try ExportedSamples(file)
            #expect(samples.video.first.map { $0 % 50 == 0 } == true, "starts on a keyframe")
            video += samples.video
            audio += samples.audio
        }
        #expect(video == Array(0..<750))
        #expect(audio == Array(0..<source.sampleCounts[2]!))
    }

    @Test("--max-size: every part within the limit, the moov included")
    func maxSize() throws {
        let source = try SyntheticRecording("max-size", runs: [.init(gops: 15, gop: 25)])
        let whole = try #require(try plan(ExportRequest(), source.playlistPath).first)
        let limit = whole.size * 2 / 3
        let files = try plan(ExportRequest(maxSize: limit), source.playlistPath)
        #expect(files.count >= 2)
        var video: [Int] = []
        for file in files {
            #expect(file.size <= limit)
            video += try ExportedSamples(file).video
        }
        #expect(video == Array(0..<375))
    }

    @Test("a limit smaller than one GOP is refused")
    func limitTooSmall() throws {
        let source = try SyntheticRecording("limit-small", runs: [.init(gops: 3)])
        #expect(exportErrorCode { _ = try plan(ExportRequest(maxDuration: 1.5), source.playlistPath) } == .limitTooSmall)
        #expect(exportErrorCode { _ = try plan(ExportRequest(maxSize: 500), source.playlistPath) } == .limitTooSmall)
    }

    @Test("pieces(in:) are the same slices of the whole file")
    func pieces() throws {
        let source = try SyntheticRecording("pieces", runs: [.init(gops: 3), .init(gops: 2, timeOrigin: 100)])
        let file = try #require(try plan(ExportRequest(start: .seconds(1.1)), source.playlistPath).first)
        let whole = try readPieces(file, in: 0..<file.size)
        #expect(UInt64(whole.count) == file.size)
        #expect(Array(whole.prefix(file.header.count)) == file.header)
        var random = SeededRandom(seed: 19)
        for _ in 0..<200 {
            let a = UInt64.random(in: 0...file.size, using: &random)
            let b = UInt64.random(in: 0...file.size, using: &random)
            let range = min(a, b)..<max(a, b)
            #expect(try readPieces(file, in: range) == Array(whole[Int(range.lowerBound)..<Int(range.upperBound)]))
        }
        #expect(file.pieces(in: file.size..<(file.size + 10)).isEmpty)
        #expect(try readPieces(file, in: (file.size - 1)..<(file.size + 10)) == [whole.last!])
    }

    @Test("errors carry their codes")
    func errors() throws {
        let source = try SyntheticRecording("errors", runs: [.init(gops: 3)])
        let path = source.playlistPath
        #expect(exportErrorCode { _ = try plan(ExportRequest(start: .seconds(100)), path) } == .outsideRecording)
        #expect(exportErrorCode { _ = try plan(ExportRequest(start: .seconds(4), end: .seconds(3)), path) } == .outsideRecording)
        let keyless = try SyntheticRecording("no-keyframe", runs: [.init(gops: 2, noKeyframes: true)])
        #expect(exportErrorCode { _ = try plan(ExportRequest(), keyless.playlistPath) } == .noKeyframe)
        let tsPlaylist = source.folder.appendingPathComponent("ts.m3u8")
        try "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg0.ts\n#EXT-X-ENDLIST\n".write(
            to: tsPlaylist, atomically: true, encoding: .utf8)
        #expect(exportErrorCode { _ = try HLSRecording(contentsOf: tsPlaylist.path) } == .unsupportedSegments)
        #expect(
            exportErrorCode { _ = try HLSRecording(contentsOf: source.folder.appendingPathComponent("nothing").path) }
                == .unreadableRecording)
    }

    @Test("the writer leaves a complete file or nothing")
    func writer() throws {
        let source = try SyntheticRecording("writer", runs: [.init(gops: 2)])
        let file = try #require(try plan(ExportRequest(), source.playlistPath).first)
        let out = source.folder.appendingPathComponent("out.mp4")
        var reported: UInt64 = 0
        try ExportWriter().write(file, to: out.path) { reported = $0 }
        #expect(reported == file.size)
        #expect(try [UInt8](Data(contentsOf: out)) == readPieces(file, in: 0..<file.size))
        let blocked = source.folder.appendingPathComponent("no-such-folder/out.mp4")
        #expect(exportErrorCode { try ExportWriter().write(file, to: blocked.path) } == .unwritableOutput)
        // A segment that vanishes mid-write: no output, no temporary file.
        try FileManager.default.removeItem(at: source.folder.appendingPathComponent("seg1.m4s"))
        let second = source.folder.appendingPathComponent("second.mp4")
        #expect(exportErrorCode { try ExportWriter().write(file, to: second.path) } == .missingSegment)
        let left = try FileManager.default.contentsOfDirectory(atPath: source.folder.path)
        #expect(!left.contains { $0.hasPrefix(".second.mp4") || $0 == "second.mp4" })
    }
}
