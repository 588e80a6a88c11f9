import Foundation
import Playlist

/// A media playlist on the local disk and the files it lists: what an export reads.
///
/// Each segment knows its file, its EXTINF duration, its place on the playlist's time line
/// (`start`: the sum of the EXTINF durations before it), the init segment in force
/// (`#EXT-X-MAP`), its `#EXT-X-PROGRAM-DATE-TIME` and whether `#EXT-X-DISCONTINUITY` precedes
/// it. Only fMP4 segments are readable: a playlist of MPEG-TS segments (no `#EXT-X-MAP`, or
/// `.ts` URIs) and `#EXT-X-BYTERANGE` sub-ranges are refused with `.unsupportedSegments`.
public struct HLSRecording: Sendable {
    public struct Segment: Sendable, Equatable {
        /// The segment's path on disk.
        public var path: String
        /// EXTINF, seconds.
        public var duration: Double
        /// Seconds from the start of the recording: the EXTINF durations before this segment.
        public var start: Double
        /// The path of the init segment in force.
        public var initPath: String
        public var discontinuity: Bool
        public var programDateTime: ProgramDateTime?
        public var mediaSequence: Int

        public init(
            path: String, duration: Double, start: Double, initPath: String, discontinuity: Bool = false,
            programDateTime: ProgramDateTime? = nil, mediaSequence: Int = 0
        ) {
            self.path = path
            self.duration = duration
            self.start = start
            self.initPath = initPath
            self.discontinuity = discontinuity
            self.programDateTime = programDateTime
            self.mediaSequence = mediaSequence
        }
    }

    /// The playlist file read.
    public var playlistPath: String
    public var segments: [Segment]
    /// `#EXT-X-ENDLIST` was present: the recording will not grow.
    public var endList: Bool

    /// The sum of the EXTINF durations.
    public var duration: Double { segments.last.map { $0.start + $0.duration } ?? 0 }

    /// The name a playlist has inside a stream folder.
    public static let playlistName = "index.m3u8"

    /// Reads `path`: a media playlist file, or a stream folder holding `index.m3u8`.
    public init(contentsOf path: String) throws(ExportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ExportError(.unreadableRecording, "\(path): no such file or folder")
        }
        let playlistPath = isDirectory.boolValue ? (path as NSString).appendingPathComponent(Self.playlistName) : path
        let text: String
        do {
            text = try String(contentsOfFile: playlistPath, encoding: .utf8)
        } catch {
            throw ExportError(.unreadableRecording, "\(playlistPath): cannot be read as a UTF-8 playlist")
        }
        try self.init(playlist: Self.mediaPlaylist(text, from: playlistPath), playlistPath: playlistPath)
    }

    /// `text` parsed as a media playlist; `.unreadableRecording` naming `source` otherwise.
    public static func mediaPlaylist(_ text: String, from source: String) throws(ExportError) -> MediaPlaylist {
        do {
            return try PlaylistParser.parseMedia(text)
        } catch {
            throw ExportError(.unreadableRecording, "\(source): not a media playlist: \(error)")
        }
    }

    /// The recording `playlist` describes; relative URIs are resolved against the folder of
    /// `playlistPath`.
    public init(playlist: MediaPlaylist, playlistPath: String) throws(ExportError) {
        self.playlistPath = playlistPath
        endList = playlist.endList
        let folder = (playlistPath as NSString).deletingLastPathComponent
        func resolve(_ uri: String) -> String {
            var path = uri
            if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<query]) }
            if path.hasPrefix("file://") { path = String(path.dropFirst("file://".count)) }
            path = path.removingPercentEncoding ?? path
            return path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path)
        }
        var start = 0.0
        segments = []
        segments.reserveCapacity(playlist.segments.count)
        for (index, segment) in playlist.segments.enumerated() {
            if segment.uri.contains("://"), !segment.uri.hasPrefix("file://") {
                throw ExportError(.unsupportedSegments, "\(playlistPath): segment \(segment.uri) is a URL; export reads local files")
            }
            guard let map = segment.map, !segment.uri.lowercased().hasSuffix(".ts") else {
                throw ExportError(
                    .unsupportedSegments,
                    "\(playlistPath): MPEG-TS segments are not supported; export needs fMP4 segments (#EXT-X-MAP)")
            }
            if map.byteRange != nil || segment.unknownTags.contains(where: { $0.hasPrefix("#EXT-X-BYTERANGE") }) {
                throw ExportError(.unsupportedSegments, "\(playlistPath): #EXT-X-BYTERANGE segments are not supported")
            }
            segments.append(
                Segment(
                    path: resolve(segment.uri), duration: segment.duration, start: start, initPath: resolve(map.uri),
                    discontinuity: segment.discontinuity, programDateTime: segment.programDateTime,
                    mediaSequence: playlist.mediaSequence + index))
            start += segment.duration
        }
    }

    /// The index of the segment whose playlist time span holds `seconds` (the last one for
    /// times at or past the end, the first for times before the start).
    public func segmentIndex(at seconds: Double) -> Int {
        var low = 0
        var high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if segments[middle].start <= seconds { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Seconds from the start of the recording for `time`. A date before the first
    /// `#EXT-X-PROGRAM-DATE-TIME` gives a negative number; one in a segment without its own
    /// date-time counts on from the last segment that has one.
    public func seconds(for time: ExportTime) throws(ExportError) -> Double {
        try time.seconds(recordingDuration: duration, source: playlistPath) { millis in
            var anchor: Segment?
            for segment in segments {
                guard let pdt = segment.programDateTime else { continue }
                if anchor == nil || pdt.millisecondsSinceEpoch <= millis { anchor = segment } else { break }
            }
            guard let anchor, let pdt = anchor.programDateTime else { return nil }
            return anchor.start + Double(millis - pdt.millisecondsSinceEpoch) / 1000
        }
    }
}
