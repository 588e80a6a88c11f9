import Foundation
import Playlist
import Segmenter
import Testing

@testable import Packager

/// A long sliding live stream (`hls_list_size 5`, `delete_segments`), checked after every
/// playlist update: what a client that reloads the playlist at any moment would see.
@Suite("sliding live playlist with delete_segments")
struct SlidingLiveTests {
    @Test(arguments: [1, 3])
    func everyVersionIsSafe(deleteThreshold: Int) async throws {
        let directory = try SyntheticStream.temporaryDirectory("sliding-\(deleteThreshold)")
        let listSize = 5
        let hlsTime = 1.0
        let configuration = PackagerConfiguration(
            hlsTime: hlsTime, playlistType: nil, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"),
            listSize: listSize, flags: [.deleteSegments], deleteThreshold: deleteThreshold)
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: configuration,
            logger: SyntheticStream.logger)

        struct Listed {
            var duration: Double
            var removedAt: Double?
            var longestPlaylist: Double
        }
        var listed: [String: Listed] = [:]
        var previous: MediaPlaylist?
        var mediaClock = 0.0
        var versions = 0
        // 240 s of 48 kHz AAC: 240 one-second segments.
        for index in 0..<(240 * 48_000 / 1024) {
            try await packager.write(SyntheticStream.audioPacket(index))
            guard let text = try? String(contentsOfFile: directory.filePath("index.m3u8"), encoding: .utf8) else {
                #expect(await packager.playlist == nil, "a playlist was published but is not on disk")
                continue
            }
            let playlist = try PlaylistParser.parseMedia(text)
            if let previous, previous == playlist { continue }
            versions += 1
            mediaClock += playlist.segments.last?.duration ?? 0
            let files = try SyntheticStream.files(directory)

            // Every listed file exists; the window has at most listSize entries.
            #expect(playlist.segments.count <= listSize)
            for segment in playlist.segments {
                #expect(files.contains(segment.uri), "\(segment.uri) listed but missing")
                #expect(files.contains(segment.map?.uri ?? "init.mp4"))
            }
            // MEDIA-SEQUENCE rises by the number of entries that left.
            if let previous {
                let kept = Set(playlist.segments.map(\.uri))
                let removed = previous.segments.filter { !kept.contains($0.uri) }
                #expect(playlist.mediaSequence - previous.mediaSequence == removed.count)
                for segment in removed { listed[segment.uri]?.removedAt = mediaClock }
            }
            let duration = playlist.duration
            for segment in playlist.segments {
                listed[segment.uri, default: Listed(duration: segment.duration, longestPlaylist: 0)].longestPlaylist =
                    max(listed[segment.uri]?.longestPlaylist ?? 0, duration)
            }
            // Nothing disappears before its grace time (in media time).
            for (uri, entry) in listed where !files.contains(uri) {
                let removedAt = try #require(entry.removedAt, "\(uri) deleted while still listed")
                #expect(
                    mediaClock + 1e-6 >= removedAt + entry.duration + entry.longestPlaylist,
                    "\(uri) deleted at \(mediaClock), left at \(removedAt), grace \(entry.duration + entry.longestPlaylist)")
                listed[uri] = nil
            }
            // Files on disk stay bounded: the window, the grace time's worth, the threshold.
            let segmentFiles = files.filter { $0.hasSuffix(".m4s") }
            let graceSegments = Int(((hlsTime + Double(listSize) * hlsTime) / hlsTime).rounded(.up)) + 1
            #expect(segmentFiles.count <= listSize + graceSegments + deleteThreshold, "\(segmentFiles.count) files")
            previous = playlist
        }
        let summary = try await packager.finish()
        #expect(summary.segmentCount >= 239)
        #expect(versions >= 230)
        let final = try SyntheticStream.readPlaylist(directory)
        #expect(final.endList)
        #expect(final.playlistType == nil)
        #expect(final.mediaSequence == summary.segmentCount - listSize)
        #expect(try SyntheticStream.files(directory).contains("init.mp4"))
    }

    @Test func eventPlaylistNeverDropsSegments() async throws {
        let directory = try SyntheticStream.temporaryDirectory("event-keeps")
        let configuration = PackagerConfiguration(
            hlsTime: 1, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"),
            listSize: 3, flags: [.deleteSegments])
        let packager = StreamPackager(
            tracks: [try SyntheticStream.audioTrack()], directory: directory, configuration: configuration,
            logger: SyntheticStream.logger)
        for index in 0..<(20 * 48_000 / 1024) { try await packager.write(SyntheticStream.audioPacket(index)) }
        let summary = try await packager.finish()
        let playlist = try SyntheticStream.readPlaylist(directory)
        #expect(playlist.segments.count == summary.segmentCount)
        #expect(playlist.mediaSequence == 0)
        #expect(try SyntheticStream.files(directory).filter { $0.hasSuffix(".m4s") }.count == summary.segmentCount)
    }
}
