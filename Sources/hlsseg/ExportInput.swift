import Export
import Foundation
import Ingest
import Logging
import Packager
import Playlist

/// What `hlsseg export` reads, turned into an `HLSRecording` on the local disk:
/// - a media playlist file, or a stream folder holding `index.m3u8`: read where it is;
/// - an http(s) URL of a media playlist: the playlist, its init segments and the segments the
///   request needs are downloaded into the workspace;
/// - anything else (files and URLs `hlsseg segment` takes, several merged): segmented into
///   the workspace as a VOD playlist of 2-s segments, with the same code `hlsseg segment` runs.
struct ExportInput {
    var inputs: [String]
    var framerate: Int
    var shortest: Bool

    /// Segment duration of the temporary HLS made from other inputs.
    static let segmentDuration = 2.0
    /// The longest playlist downloaded: a media playlist of 500,000 segments is about this size.
    static let maxPlaylistBytes = 64 << 20

    func recording(in workspace: ExportWorkspace, request: ExportRequest, logger: Logger) async throws -> HLSRecording {
        if inputs.count == 1, let input = inputs.first {
            if input.hasPrefix("http://") || input.hasPrefix("https://"), let url = URL(string: input),
                url.path.lowercased().hasSuffix(".m3u8")
            {
                return try await download(url, into: workspace, request: request)
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue || Self.isPlaylist(input) {
                return try HLSRecording(contentsOf: input)
            }
        }
        return try await segment(into: workspace, logger: logger)
    }

    /// A file whose first bytes are `#EXTM3U`.
    private static func isPlaylist(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        let text = String(decoding: head, as: UTF8.self).drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        return text.hasPrefix("#EXTM3U")
    }

    private func segment(into workspace: ExportWorkspace, logger: Logger) async throws -> HLSRecording {
        let input = try MergedInput(
            urls: inputs, options: InputOptions(realtime: false, framerate: framerate), shortest: shortest, logger: logger)
        let folder = workspace.file("segments")
        let directory = try OutputDirectory(path: folder)
        let configuration = PackagerConfiguration(
            hlsTime: Self.segmentDuration, playlistType: .vod, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"), listSize: 0)
        let plan = input.keyframePlan().map { KeyframePlan(keyframeTimes: $0.keyframeTimes, endTime: $0.endTime) }
        let packager = StreamPackager(tracks: input.tracks, directory: directory, configuration: configuration, plan: plan, logger: logger)
        while let event = try input.nextEvent() {
            switch event {
            case .packet(let packet): try await packager.write(packet)
            case .tracks(let tracks): try await packager.beginDiscontinuity(tracks: tracks, continuingTimeline: true)
            }
        }
        let summary = try await packager.finish()
        if let error = summary.lastSegmentError { throw error }
        return try HLSRecording(contentsOf: folder)
    }

    /// Downloads the playlist at `url`, its init segments and the segments `request` needs
    /// (from one before START to END) into the workspace; the local playlist lists every
    /// segment, so times keep their meaning.
    private func download(_ url: URL, into workspace: ExportWorkspace, request: ExportRequest) async throws -> HLSRecording {
        let text = String(decoding: try await Self.fetch(url, limit: Self.maxPlaylistBytes), as: UTF8.self)
        if text.contains("#EXT-X-STREAM-INF") {
            throw ExportError(.unsupportedSegments, "\(url.absoluteString) is a multivariant playlist: give the URL of one media playlist")
        }
        var playlist = try HLSRecording.mediaPlaylist(text, from: url.absoluteString)
        var remote: [String: URL] = [:]
        func local(_ uri: String, _ name: String) throws -> String {
            guard let resolved = URL(string: uri, relativeTo: url)?.absoluteURL else {
                throw ExportError(.unreadableRecording, "\(url.absoluteString) lists '\(uri)', which is not a URL")
            }
            remote[name] = resolved
            return name
        }
        var initNames: [String: String] = [:]
        for index in playlist.segments.indices {
            if let map = playlist.segments[index].map {
                let name = try initNames[map.uri] ?? local(map.uri, "init\(initNames.count).mp4")
                initNames[map.uri] = name
                playlist.segments[index].map?.uri = name
            }
            let ext = playlist.segments[index].uri.lowercased().split(separator: "?").first?.hasSuffix(".ts") == true ? "ts" : "m4s"
            playlist.segments[index].uri = try local(playlist.segments[index].uri, "seg\(index).\(ext)")
        }
        let playlistPath = workspace.file("index.m3u8")
        let recording = try HLSRecording(playlist: playlist, playlistPath: playlistPath)
        // The segments the request needs, one before START for a keyframe.
        let start = try request.start.map(recording.seconds(for:)) ?? 0
        let end = try request.end.map(recording.seconds(for:)) ?? request.duration.map { start + $0 } ?? recording.duration
        let first = max(0, recording.segmentIndex(at: start) - 1)
        let last = recording.segmentIndex(at: end)
        var needed = Set(initNames.values)
        if !playlist.segments.isEmpty { for index in first...max(first, last) { needed.insert(playlist.segments[index].uri) } }
        for name in needed.sorted() {
            guard let source = remote[name] else { continue }
            let bytes = try await Self.fetch(source, limit: Int.max)
            try Data(bytes).write(to: URL(fileURLWithPath: workspace.file(name)))
        }
        return recording
    }

    private static func fetch(_ url: URL, limit: Int) async throws -> [UInt8] {
        do {
            return try RemoteFile.bytes(at: url.absoluteString, limit: limit)
        } catch {
            throw ExportError(.unreadableRecording, error.reason)
        }
    }
}
