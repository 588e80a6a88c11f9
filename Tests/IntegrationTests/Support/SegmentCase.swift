import Foundation
import TestSupport

/// One good input and the `hlsseg segment` arguments to run it with, plus what an honest
/// output must look like.
struct SegmentCase: Sendable, Hashable, CustomStringConvertible {
    /// How a stream's packets are compared with the source's.
    enum PayloadCheck: Sendable, Hashable {
        /// `-c copy -f framemd5`: the payload bytes must be identical (MP4 sources, where the
        /// source already has length-prefixed NAL units and raw AAC).
        case bytes
        /// decoded `-f framemd5`: every decoded frame identical (Annex-B / ADTS sources, whose
        /// byte layout hlsseg changes by design).
        case decoded
    }

    var name: String
    var inputs: [Fixture]
    var arguments: [String]
    /// The input the video stream comes from, and how its payloads are compared.
    var video: (fixture: Fixture, check: PayloadCheck, frameRate: Double)?
    var audio: (fixture: Fixture, check: PayloadCheck, sampleRate: Double)?
    /// Nominal media duration of the source (seconds).
    var mediaDuration: Double
    /// EXTINF of each segment when the keyframe layout fixes it; `nil` for audio-only.
    var expectedDurations: [Double]?
    var hlsTime: Double = 2
    var playlistType: String

    var description: String { name }

    /// One video frame when there is video (EXTINF comes from video sample timing); else two
    /// AAC frames (the encoder's 1024-sample priming frame may or may not be counted).
    var tolerance: Double {
        if let video { return 1 / video.frameRate + 0.001 }
        if let audio { return 2 * 1024 / audio.sampleRate + 0.001 }
        return 0.001
    }

    var hasVideo: Bool { video != nil }

    /// Whether the sources carry their own timestamps (a raw `.h264` file does not: its times
    /// come from `--framerate`, and ffprobe would assume 25 fps).
    var sourcesHaveTimestamps: Bool { !inputs.contains { $0.rawValue.hasSuffix(".h264") } }

    static func == (lhs: SegmentCase, rhs: SegmentCase) -> Bool { lhs.name == rhs.name }
    func hash(into hasher: inout Hasher) { hasher.combine(name) }

    static let vod = ["--hls-time", "2", "--hls-playlist-type", "vod"]
    static let event = ["--hls-time", "2", "--hls-playlist-type", "event"]

    static let all: [SegmentCase] = [
        SegmentCase(
            name: "high profile + B-frames + AAC, MP4",
            inputs: [.highProfileBFrames], arguments: vod,
            video: (.highProfileBFrames, .bytes, 30), audio: (.highProfileBFrames, .bytes, 48_000),
            mediaDuration: 10, expectedDurations: [2, 2, 2, 2, 2], playlistType: "VOD"),
        SegmentCase(
            name: "FFmpeg option spellings (-hls_time, -hls_playlist_type)",
            inputs: [.highProfileBFrames], arguments: ["-hls_time", "2", "-hls_playlist_type", "vod"],
            video: (.highProfileBFrames, .bytes, 30), audio: (.highProfileBFrames, .bytes, 48_000),
            mediaDuration: 10, expectedDurations: [2, 2, 2, 2, 2], playlistType: "VOD"),
        SegmentCase(
            name: "MPEG-TS (Annex-B + ADTS inside, timestamps not from 0), EVENT",
            inputs: [.highProfileBFramesTS], arguments: event,
            video: (.highProfileBFramesTS, .decoded, 30), audio: (.highProfileBFramesTS, .decoded, 48_000),
            mediaDuration: 10, expectedDurations: [2, 2, 2, 2, 2], playlistType: "EVENT"),
        SegmentCase(
            name: "baseline Annex-B .h264 + ADTS .aac as two inputs, EVENT",
            inputs: [.baselineAnnexB, .adtsAudio], arguments: event + ["--framerate", "30"],
            video: (.baselineAnnexB, .decoded, 30), audio: (.adtsAudio, .decoded, 44_100),
            mediaDuration: 10, expectedDurations: [2, 2, 2, 2, 2], playlistType: "EVENT"),
        SegmentCase(
            name: "5-s GOP with hls_time 2",
            inputs: [.longGOP], arguments: vod,
            video: (.longGOP, .bytes, 30), audio: (.longGOP, .bytes, 48_000),
            mediaDuration: 10, expectedDurations: [5, 5], playlistType: "VOD"),
        SegmentCase(
            name: "one 4-s GOP mid-stream (keyframes 0,2,4,8 s)",
            inputs: [.longGOPMidStream], arguments: vod,
            video: (.longGOPMidStream, .bytes, 30), audio: (.longGOPMidStream, .bytes, 48_000),
            mediaDuration: 10, expectedDurations: [2, 2, 4, 2], playlistType: "VOD"),
        SegmentCase(
            name: "audio only, AAC in .m4a",
            inputs: [.m4aAudio], arguments: vod,
            video: nil, audio: (.m4aAudio, .bytes, 48_000),
            mediaDuration: 10, expectedDurations: nil, playlistType: "VOD"),
        SegmentCase(
            name: "audio only, ADTS .aac",
            inputs: [.adtsAudio], arguments: vod,
            video: nil, audio: (.adtsAudio, .decoded, 44_100),
            mediaDuration: 10, expectedDurations: nil, playlistType: "VOD"),
        SegmentCase(
            name: "video only, 60 fps",
            inputs: [.videoOnly60fps], arguments: vod,
            video: (.videoOnly60fps, .bytes, 60), audio: nil,
            mediaDuration: 6, expectedDurations: [2, 2, 2], playlistType: "VOD"),
    ]

    static let withVideo = all.filter(\.hasVideo)
}

/// The output of one `hlsseg segment` run of a `SegmentCase`.
struct SegmentRun: Sendable {
    var directory: URL
    var process: ProcessOutput
    var playlistURL: URL
    var playlist: PlaylistFile
    /// init segment + every listed segment, concatenated in playlist order.
    var concatenated: URL
    var initURL: URL

    var segmentURLs: [URL] { playlist.entries.map { directory.appendingPathComponent($0.uri) } }
}

/// Runs each case once per test run, however many tests look at its output.
actor SegmentRuns {
    static let shared = SegmentRuns()
    private var runs: [String: Task<SegmentRun, any Error>] = [:]

    func run(_ testCase: SegmentCase) async throws -> SegmentRun {
        if let task = runs[testCase.name] { return try await task.value }
        let task = Task<SegmentRun, any Error> {
            var inputs: [URL] = []
            for fixture in testCase.inputs {
                inputs.append(try await FixtureStore.shared.url(fixture))
            }
            let slug = testCase.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            let directory = try TestScratch.directory("segment-" + String(slug))
                .appendingPathComponent("out", isDirectory: true)
            let process = try await runSegment(inputs: inputs, outputDirectory: directory, arguments: testCase.arguments)
            guard process.succeeded else {
                throw HarnessError("hlsseg segment failed:\n\(process.summary)")
            }
            let playlistURL = directory.appendingPathComponent("index.m3u8")
            guard FileManager.default.fileExists(atPath: playlistURL.path) else {
                throw HarnessError("no \(playlistURL.path) after:\n\(process.summary)")
            }
            let playlist = try PlaylistFile(contentsOf: playlistURL)
            guard let mapURI = playlist.mapURIs.first else {
                throw HarnessError("playlist has no EXT-X-MAP:\n\(playlist.text)")
            }
            let initURL = directory.appendingPathComponent(mapURI)
            let concatenated = directory.deletingLastPathComponent().appendingPathComponent("all.mp4")
            try concatenate([initURL] + playlist.entries.map { directory.appendingPathComponent($0.uri) }, into: concatenated)
            return SegmentRun(
                directory: directory, process: process, playlistURL: playlistURL, playlist: playlist,
                concatenated: concatenated, initURL: initURL)
        }
        runs[testCase.name] = task
        return try await task.value
    }
}
