import ArgumentParser
import Ingest
import Logging
import Packager
import Playlist
import Segmenter

#if canImport(Glibc)
    import Glibc
#endif

/// `hlsseg segment INPUT… -o DIR`: a file or URL (or several, merged) to an fMP4 HLS stream.
struct SegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment files or URLs into fMP4 HLS (init.mp4, .m4s segments, an m3u8 playlist).",
        discussion: """
            Several inputs are merged like `ffmpeg -i a.h264 -i b.aac -c copy`: video from the first \
            input that has video, audio from the first that has audio. FFmpeg's spellings of the \
            options are accepted too (-hls_time 2, -hls_playlist_type vod, …).
            """
    )

    @Argument(help: "Input files or URLs (anything libavformat opens).")
    var inputs: [String]

    @Option(name: [.short, .customLong("output")], help: "Output directory.")
    var output: String

    @Option(name: .hls("hls-time"), help: "Target segment duration in seconds.")
    var hlsTime: Double = 2

    @Option(name: .hls("hls-playlist-type"), help: "event, vod, or live (a sliding window: no PLAYLIST-TYPE).")
    var hlsPlaylistType: PlaylistTypeOption = .event

    @Option(name: .hls("hls-list-size"), help: "Segments in a live playlist (0 = all). EVENT and VOD keep every segment.")
    var hlsListSize: Int = 5

    @Option(
        name: .hls("hls-flags"),
        help:
            "FFmpeg's flags joined with +: delete_segments, append_list, program_date_time, independent_segments, discont_start, omit_endlist, round_durations, split_by_time, temp_file."
    )
    var hlsFlags: String = ""

    @Option(name: .hls("hls-delete-threshold"), help: "Removed segments always kept on disk with delete_segments (besides the grace time).")
    var hlsDeleteThreshold: Int = 1

    @Option(name: .hls("hls-base-url"), help: "Prefix for every segment and init URI in the playlist.")
    var hlsBaseURL: String = ""

    @Option(name: .hls("hls-init-time"), help: "Target duration of the first hls-list-size segments (0 = hls-time).")
    var hlsInitTime: Double = 0

    @Option(name: .hls("hls-start-number-source"), help: "generic (start-number), epoch, epoch_us or datetime.")
    var hlsStartNumberSource: StartNumberSourceOption = .generic

    @Option(name: .hls("hls-segment-type"), help: "fmp4 (the only type hlsseg writes; accepted for FFmpeg command lines).")
    var hlsSegmentType: SegmentTypeOption = .fmp4

    @Option(name: .hls("playlist-name"), help: "Playlist file name.")
    var playlistName: String = "index.m3u8"

    @Option(
        name: .hls("master-pl-name"),
        help: "Also write a multivariant playlist of this name: the playlist as its one variant, with BANDWIDTH, CODECS and RESOLUTION.")
    var masterPlName: String?

    @Option(name: .hls("hls-segment-filename"), help: "Segment file name with %d or %0Nd for the number.")
    var hlsSegmentFilename: String = "seg%d.m4s"

    @Option(name: .hls("hls-fmp4-init-filename"), help: "Init segment file name.")
    var hlsFmp4InitFilename: String = "init.mp4"

    @Option(name: .hls("start-number"), help: "Media sequence number of the first segment.")
    var startNumber: Int = 0

    @Flag(
        name: [.customLong("re"), .customLong("re", withSingleDash: true)], help: "Read the input at its native speed, like a live source.")
    var realtime = false

    @Option(name: .hls("framerate"), help: "Frame rate for raw H.264 without timestamps.")
    var framerate: Int?

    @Flag(
        name: [.customLong("shortest"), .customLong("shortest", withSingleDash: true)],
        help: "Stop when the shorter of video and audio ends.")
    var shortest = false

    @Flag(name: [.short, .long], help: "Also print informational messages and libavformat's own warnings.")
    var verbose = false

    func validate() throws {
        guard hlsTime > 0, hlsTime.isFinite else { throw ValidationError("--hls-time must be a positive number of seconds") }
        guard (framerate ?? 1) > 0 else { throw ValidationError("--framerate must be positive") }
        guard startNumber >= 0 else { throw ValidationError("--start-number must not be negative") }
        guard hlsListSize >= 0 else { throw ValidationError("--hls-list-size must not be negative") }
        guard hlsDeleteThreshold >= 1 else { throw ValidationError("--hls-delete-threshold must be at least 1") }
        guard hlsInitTime >= 0, hlsInitTime.isFinite else {
            throw ValidationError("--hls-init-time must be 0 or a positive number of seconds")
        }
        do {
            _ = try HLSFlags(parsing: hlsFlags)
        } catch {
            throw ValidationError(error.description)
        }
        for name in [playlistName, hlsFmp4InitFilename] + [masterPlName].compactMap({ $0 }) where name.isEmpty || name.contains("/") {
            throw ValidationError("'\(name)' must be a file name inside the output directory")
        }
        if let masterPlName, masterPlName == playlistName || masterPlName == hlsFmp4InitFilename {
            throw ValidationError("--master-pl-name '\(masterPlName)' must differ from the playlist and init file names")
        }
    }

    func run() async throws {
        try await runCommandLine(label: "hlsseg.segment", verbose: verbose) { try await segment(logger: $0) }
    }

    private func segment(logger: Logger) async throws {
        let configuration = try packagerConfiguration()
        // Open the input before touching the output: bad input leaves no directory or playlist behind.
        let input = try MergedInput(
            urls: inputs, options: InputOptions(realtime: realtime, framerate: framerate), shortest: shortest,
            logger: logger)
        let directory = try OutputDirectory(path: output)
        let plan = input.keyframePlan().map { KeyframePlan(keyframeTimes: $0.keyframeTimes, endTime: $0.endTime) }
        let packager = StreamPackager(
            tracks: input.tracks, directory: directory, configuration: configuration, plan: plan, logger: logger)

        let progress = ProgressLine()
        while let event = try input.nextEvent() {
            switch event {
            case .packet(let packet):
                try await packager.write(packet)
                if progress.isDue() { progress.show(mediaSeconds: await packager.duration) }
            case .tracks(let tracks):
                try await packager.beginDiscontinuity(tracks: tracks, continuingTimeline: true)
            }
        }
        let summary = try await packager.finish()
        // Earlier segments that failed threw from `write`; the last one is reported here.
        if let error = summary.lastSegmentError { throw error }
        progress.finish(mediaSeconds: summary.duration)
        logger.info("wrote \(summary.segmentCount) segments, \(ProgressLine.clock(summary.duration)) of media, to \(output)")
    }
}

enum PlaylistTypeOption: String, ExpressibleByArgument, CaseIterable {
    case event, vod, live

    /// nil: a sliding live playlist, without `#EXT-X-PLAYLIST-TYPE`.
    var playlistType: PlaylistType? {
        switch self {
        case .event: .event
        case .vod: .vod
        case .live: nil
        }
    }
}

extension NameSpecification {
    /// `--hls-time` plus FFmpeg's `-hls_time`.
    static func hls(_ long: String) -> NameSpecification {
        [.customLong(long), .customLong(long.split(separator: "-").joined(separator: "_"), withSingleDash: true)]
    }
}
