import Foundation
import Logging
import Packager
import Playlist
import Prometheus
import Segmenter
import ServiceLifecycle

/// The demo stream: the sample clip looped forever through `StreamPackager` at real-time speed,
/// timestamps continued across loops, so the server shows a live stream on a fresh machine.
/// A `Service`: it ends the playlist with `EXT-X-ENDLIST` on graceful shutdown.
public struct DemoStream: Service {
    public let name: String
    public let directory: String
    public let cacheDirectory: String
    public let hlsTime: Double
    /// Where the time each playlist update took is recorded (the server's
    /// `hlsseg_playlist_update_seconds`); nil: nowhere.
    public let playlistUpdateLatency: DurationHistogram?
    public let logger: Logger

    /// `directory` is emptied first: each run is a new stream.
    public init(
        name: String = "demo", directory: String, cacheDirectory: String, hlsTime: Double = 2,
        playlistUpdateLatency: DurationHistogram? = nil, logger: Logger
    ) {
        self.name = name
        self.directory = directory
        self.cacheDirectory = cacheDirectory
        self.hlsTime = hlsTime
        self.playlistUpdateLatency = playlistUpdateLatency
        self.logger = logger
    }

    public func run() async throws {
        let clipPath = try DemoClip.ensure(cacheDirectory: cacheDirectory, logger: logger)
        let loop = try await DemoClip.load(path: clipPath, logger: logger)
        try? FileManager.default.removeItem(atPath: directory)
        let output = try OutputDirectory(path: directory)
        // A sliding live playlist (no PLAYLIST-TYPE) of the last 6 segments; older segments are
        // deleted after the RFC 8216 grace time, so the demo can run for days.
        let configuration = PackagerConfiguration(
            hlsTime: hlsTime, playlistType: nil, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"),
            listSize: 6, flags: [.deleteSegments])
        let packager = StreamPackager(tracks: loop.tracks, directory: output, configuration: configuration, logger: logger)
        logger.info(
            "demo stream started", metadata: ["stream": "\(name)", "directory": "\(directory)", "loop_seconds": "\(loop.periodSeconds)"])

        let scales = Dictionary(uniqueKeysWithValues: loop.tracks.map { ($0.id, Double($0.format.timescale)) })
        let origins = Dictionary(grouping: loop.packets, by: \.trackID).mapValues { $0.map(\.dts).min() ?? 0 }
        let clock = ContinuousClock()
        let start = clock.now
        let playlistUpdateLatency = self.playlistUpdateLatency
        do {
            // Cancelled on SIGINT/SIGTERM (graceful shutdown), then the playlist is ended below.
            try await cancelWhenGracefulShutdown {
                var pass: Int64 = 0
                while true {
                    for var packet in loop.packets {
                        let shift = pass * (loop.period[packet.trackID] ?? 0)
                        packet.dts += shift
                        packet.pts += shift
                        let seconds = Double(packet.dts - (origins[packet.trackID] ?? 0)) / (scales[packet.trackID] ?? 1)
                        try await Task.sleep(until: start + .seconds(seconds), clock: clock)
                        let before = await packager.duration
                        let began = clock.now
                        try await packager.write(packet)
                        if await packager.duration != before { playlistUpdateLatency?.record(clock.now - began) }
                    }
                    pass += 1
                }
            }
        } catch is CancellationError {
        } catch {
            logger.error("demo stream stopped: \(error)", metadata: ["stream": "\(name)"])
        }
        _ = try? await packager.finish()
        logger.info("demo stream ended", metadata: ["stream": "\(name)"])
    }
}
