import Foundation
import Ingest
import NIOConcurrencyHelpers
import Playlist
import Segmenter

#if canImport(Glibc)
    import Glibc
#endif

/// One stream as `GET /api/streams` shows it.
public struct StreamInfo: Sendable, Codable, Equatable {
    public var name: String
    /// "live" while the playlist has no `EXT-X-ENDLIST`, "ended" once it has.
    public var state: String
    public var live: Bool
    /// Seconds of media listed in the playlist.
    public var duration: Double
    /// Bits per second over the listed segments still on disk (file sizes / durations).
    public var bitrate: Int?
    public var codecs: [String]
    public var width: Int?
    public var height: Int?
    /// Frames per second of the video track (3 decimals: 29.97), from the sample durations in
    /// the newest segment; `null` without video (always present in the JSON).
    public var frameRate: Double?
    public var segments: Int
    /// Media sequence number of the last listed segment + 1: segments written so far.
    public var segmentsWritten: Int
    public var targetDuration: Int
    public var playlistType: String?
    /// Seconds since the playlist last changed.
    public var updatedSecondsAgo: Double
    public var playlist: String

    /// As synthesized, but `frameRate` is written as `null` when unknown rather than left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(state, forKey: .state)
        try container.encode(live, forKey: .live)
        try container.encode(duration, forKey: .duration)
        try container.encodeIfPresent(bitrate, forKey: .bitrate)
        try container.encode(codecs, forKey: .codecs)
        try container.encodeIfPresent(width, forKey: .width)
        try container.encodeIfPresent(height, forKey: .height)
        try container.encode(frameRate, forKey: .frameRate)
        try container.encode(segments, forKey: .segments)
        try container.encode(segmentsWritten, forKey: .segmentsWritten)
        try container.encode(targetDuration, forKey: .targetDuration)
        try container.encodeIfPresent(playlistType, forKey: .playlistType)
        try container.encode(updatedSecondsAgo, forKey: .updatedSecondsAgo)
        try container.encode(playlist, forKey: .playlist)
    }
}

/// Reads the stream folders under the root: which streams exist and what they hold.
///
/// Parsed playlists and init segments are remembered by file version, and each stream's frame
/// rate with the version of the segment it was read from, so listing a hundred streams costs a
/// `stat` per file, not a parse.
final class StreamCatalog: Sendable {
    let root: String
    let playlistName: String
    private let parsed = NIOLockedValueBox([String: (FileVersion, MediaPlaylist)]())
    private let inits = NIOLockedValueBox([String: (FileVersion, InitSegmentInfo)]())
    /// Per stream folder, the newest segment read for the frame rate: one entry per stream.
    private let frameRates = NIOLockedValueBox([String: (segment: String, version: FileVersion, rate: Double?)]())
    /// At most this many recent segments are measured for the bitrate (one `stat` each).
    static let bitrateWindow = 10

    init(root: String, playlistName: String) {
        self.root = root
        self.playlistName = playlistName
    }

    /// Stream folder names (following `StreamName`) that hold a playlist, sorted.
    func streamNames() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        return names.filter { name in
            StreamName.isValid(name)
                && SafePath.resolveFile(base: root, components: [name, playlistName]) != nil
        }.sorted()
    }

    func info(stream name: String, now: Double = Date().timeIntervalSince1970) -> StreamInfo? {
        guard StreamName.isValid(name),
            let path = SafePath.resolveFile(base: root, components: [name, playlistName]),
            let version = FileVersion.of(path: path), let playlist = playlist(at: path, version: version)
        else { return nil }
        let folder = root + "/" + name
        var info = StreamInfo(
            name: name, state: playlist.endList ? "ended" : "live", live: !playlist.endList,
            duration: (playlist.duration * 1000).rounded() / 1000, bitrate: nil, codecs: [], width: nil, height: nil,
            frameRate: nil,
            segments: playlist.segments.count, segmentsWritten: playlist.mediaSequence + playlist.segments.count,
            targetDuration: playlist.targetDuration, playlistType: playlist.playlistType?.rawValue,
            updatedSecondsAgo: max(0, ((now - Double(version.mtimeNanoseconds) / 1e9) * 10).rounded() / 10),
            playlist: "/hls/\(name)/\(playlistName)")
        var bytes = 0
        var seconds = 0.0
        for segment in playlist.segments.suffix(Self.bitrateWindow) where SafePath.check(segment.uri[...]) == nil {
            guard let version = FileVersion.of(path: folder + "/" + segment.uri) else { continue }
            bytes += version.size
            seconds += segment.duration
        }
        if seconds > 0 { info.bitrate = Int((Double(bytes) * 8 / seconds).rounded()) }
        if let map = playlist.segments.last?.map?.uri, SafePath.check(map[...]) == nil,
            let initInfo = initInfo(at: folder + "/" + map)
        {
            info.codecs = initInfo.codecs
            info.width = initInfo.width
            info.height = initInfo.height
            if let video = initInfo.videoTrack, let newest = playlist.segments.last?.uri, SafePath.check(newest[...]) == nil {
                info.frameRate = frameRate(of: video, in: folder, segment: newest, trackExtends: initInfo.trackExtends)
            }
        }
        return info
    }

    func allInfo() -> [StreamInfo] {
        let now = Date().timeIntervalSince1970
        return streamNames().compactMap { info(stream: $0, now: now) }
    }

    /// Total bytes of the visible files of a stream folder (for `/metrics`).
    func bytesOnDisk(stream name: String) -> Int {
        let folder = root + "/" + name
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        return names.filter { !$0.hasPrefix(".") }.reduce(0) { $0 + (FileVersion.of(path: folder + "/" + $1)?.size ?? 0) }
    }

    private func playlist(at path: String, version: FileVersion) -> MediaPlaylist? {
        if let (cachedVersion, playlist) = parsed.withLockedValue({ $0[path] }), cachedVersion == version { return playlist }
        guard let data = FileManager.default.contents(atPath: path),
            let playlist = try? PlaylistParser.parseMedia(String(decoding: data, as: UTF8.self))
        else { return nil }
        parsed.withLockedValue { $0[path] = (version, playlist) }
        return playlist
    }

    /// The video frame rate read from `segment` (cached until the newest segment changes).
    private func frameRate(of video: InitSegmentInfo.VideoTrack, in folder: String, segment: String, trackExtends: [TrackExtendsBox])
        -> Double?
    {
        let path = folder + "/" + segment
        guard let version = FileVersion.of(path: path), version.size <= VideoFrameRate.maximumSegmentSize else { return nil }
        if let cached = frameRates.withLockedValue({ $0[folder] }), cached.segment == segment, cached.version == version {
            return cached.rate
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let rate = VideoFrameRate.framesPerSecond(segment: Array(data), video: video, trackExtends: trackExtends)
        frameRates.withLockedValue { $0[folder] = (segment, version, rate) }
        return rate
    }

    private func initInfo(at path: String) -> InitSegmentInfo? {
        guard let version = FileVersion.of(path: path), version.size <= 1 << 20 else { return nil }
        if let (cachedVersion, info) = inits.withLockedValue({ $0[path] }), cachedVersion == version { return info }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let info = InitSegmentInfo(bytes: Array(data))
        inits.withLockedValue { $0[path] = (version, info) }
        return info
    }
}
