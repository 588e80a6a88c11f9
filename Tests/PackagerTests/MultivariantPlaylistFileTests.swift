import Foundation
import Playlist
import Segmenter
import Testing

@testable import Packager

/// `multivariantPlaylistName` (FFmpeg's `master_pl_name`): one variant, the media playlist,
/// whose figures hold for every segment listed so far (BANDWIDTH within `rewriteGrowth`), with
/// a new CODECS when a codec change adds one, and exact figures at the end.
@Suite("multivariant playlist")
struct MultivariantPlaylistFileTests {
    static func configuration(_ type: PlaylistType?) throws -> PackagerConfiguration {
        PackagerConfiguration(
            hlsTime: 1, playlistType: type, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"), flags: [.independentSegments],
            multivariantPlaylistName: "main.m3u8")
    }

    static func read(_ directory: OutputDirectory) throws -> MultivariantPlaylist {
        try PlaylistParser.parseMultivariant(String(contentsOfFile: directory.filePath("main.m3u8"), encoding: .utf8))
    }

    /// Bits per second of every segment the media playlist lists, from the files.
    static func segmentRates(_ directory: OutputDirectory) throws -> [Double] {
        let playlist = try SyntheticStream.readPlaylist(directory)
        return try playlist.segments.map { segment in
            let size = try FileManager.default.attributesOfItem(atPath: directory.filePath(segment.uri))[.size] as! Int
            return Double(size) * 8 / segment.duration
        }
    }

    @Test("an EVENT stream: the file appears with the first segment and always covers every listed one")
    func eventStream() async throws {
        let directory = try SyntheticStream.temporaryDirectory("multivariant-event")
        let small = SyntheticStream.videoTrack(width: 320)
        let packager = StreamPackager(
            tracks: [small], directory: directory, configuration: try Self.configuration(.event), logger: SyntheticStream.logger)
        var sawFile = false
        for index in 0..<150 {
            var packet = SyntheticStream.videoPacket(index)
            // The second half carries much bigger frames: the peak must follow.
            if index >= 75 { packet.data += [UInt8](repeating: 0x5A, count: 4000) }
            try await packager.write(packet)
            let listed = (try? SyntheticStream.readPlaylist(directory).segments.count) ?? 0
            guard listed > 0 else { continue }
            let multivariant = try Self.read(directory)
            sawFile = true
            let variant = try #require(multivariant.variants.first)
            #expect(multivariant.variants.count == 1 && variant.uri == "index.m3u8")
            #expect(multivariant.independentSegments)
            let peak = try Self.segmentRates(directory).max()!
            #expect(
                Double(variant.bandwidth) * VariantSummary.rewriteGrowth >= peak, "BANDWIDTH \(variant.bandwidth), a segment at \(peak)")
            #expect(variant.codecs == small.format.codecs)
            #expect(variant.resolution == Resolution(width: 320, height: 180))
        }
        #expect(sawFile)
        // A codec change adds its CODECS and the larger RESOLUTION.
        let highProfile = AVCDecoderConfigurationRecord(
            profileIndication: 100, profileCompatibility: 0, levelIndication: 31, sequenceParameterSets: [[0x67, 0x64, 0x00, 0x1F]],
            pictureParameterSets: [[0x68, 0xEE, 0x3C, 0x80]])
        let large = Track(id: 1, format: .video(codec: .h264(highProfile), width: 640, height: 180, timescale: 90_000))
        #expect(large.format.codecs != small.format.codecs)
        try await packager.beginDiscontinuity(tracks: [large])
        for index in 150..<200 { try await packager.write(SyntheticStream.videoPacket(index)) }
        _ = try await packager.finish()
        let variant = try #require(try Self.read(directory).variants.first)
        let rates = try Self.segmentRates(directory)
        #expect(variant.bandwidth == Int(rates.max()!.rounded(.up)))
        #expect(variant.codecs == [small.format.codecs, large.format.codecs].joined(separator: ","))
        #expect(variant.resolution == Resolution(width: 640, height: 180))
        let playlist = try SyntheticStream.readPlaylist(directory)
        let bytes = rates.enumerated().map { $0.element * playlist.segments[$0.offset].duration / 8 }.reduce(0, +)
        let seconds = playlist.segments.map(\.duration).reduce(0, +)
        #expect(abs(Double(variant.averageBandwidth ?? 0) - bytes * 8 / seconds) <= 1)
        #expect(!(try SyntheticStream.files(directory)).contains(".main.m3u8.tmp"))
    }

    @Test("a VOD playlist: written once, at the end, with the media playlist")
    func vodStream() async throws {
        let directory = try SyntheticStream.temporaryDirectory("multivariant-vod")
        let packager = StreamPackager(
            tracks: [SyntheticStream.videoTrack()], directory: directory, configuration: try Self.configuration(.vod),
            logger: SyntheticStream.logger)
        for index in 0..<100 {
            try await packager.write(SyntheticStream.videoPacket(index))
            #expect(!(try SyntheticStream.files(directory)).contains("main.m3u8"))
        }
        _ = try await packager.finish()
        let variant = try #require(try Self.read(directory).variants.first)
        #expect(variant.bandwidth == Int(try Self.segmentRates(directory).max()!.rounded(.up)))
    }

    @Test("BANDWIDTH is rewritten only when the peak grows past the margin")
    func rewriteRule() {
        let track = SyntheticStream.videoTrack()
        var summary = VariantSummary()
        summary.add(bytes: 1000, seconds: 1, tracks: [track])
        #expect(summary.textToWrite(uri: "a.m3u8", independentSegments: false, final: false) != nil)
        summary.add(bytes: 1090, seconds: 1, tracks: [track])
        #expect(summary.textToWrite(uri: "a.m3u8", independentSegments: false, final: false) == nil)
        summary.add(bytes: 1200, seconds: 1, tracks: [track])
        let text = summary.textToWrite(uri: "a.m3u8", independentSegments: false, final: false)
        #expect(text?.contains("BANDWIDTH=9600,") == true, "\(text ?? "nil")")
        #expect(summary.textToWrite(uri: "a.m3u8", independentSegments: false, final: true)?.contains("AVERAGE-BANDWIDTH=8773") == true)
    }
}
