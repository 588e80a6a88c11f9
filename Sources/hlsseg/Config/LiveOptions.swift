import ArgumentParser
import Foundation
import Ingest
import Live
import Packager
import Yams

/// The live-ingest options of `hlsseg serve`; flags override `hlsseg.yml`.
struct LiveOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The YAML configuration (default: ./hlsseg.yml when it exists).")
    var config: String?

    @Option(name: .customLong("rtmp-port"), help: "RTMP port for publishers (rtmp://host:PORT/live/<stream>); 0: any free port.")
    var rtmpPort: Int?

    @Option(name: .customLong("rtmp-host"), help: "Address the RTMP server listens on.")
    var rtmpHost: String = "0.0.0.0"

    @Option(
        name: .customLong("rtmp-threads"),
        help:
            "Event loop threads reading RTMP publishers (default: one per four cores, at least one; one reads about 1,000 2 Mbit/s streams)."
    )
    var rtmpThreads: Int?

    @Option(
        name: .customLong("rtmp-max-message-size"),
        help: "Largest RTMP message (a keyframe) a publisher may send, in bytes (default 4194304 = 4 MiB; 65536…16777215).")
    var rtmpMaxMessageSize: Int?

    @Option(
        name: .customLong("rtmp-max-pending-connections"),
        help: ArgumentHelp(
            "RTMP connections that have not had a publish accepted, at once (default 256); more are closed at once.",
            discussion: "A connection counts from its accept until its publish passes the token and name checks."))
    var rtmpMaxPendingConnections: Int?

    @Option(
        name: .customLong("rtmp-pending-buffer-budget"),
        help: "Bytes that RTMP connections without an accepted publish may hold together (default 33554432 = 32 MiB; each at most 262144).")
    var rtmpPendingBufferBudget: Int?

    @Option(
        name: .customLong("g711-aac-bitrate"),
        help: "Bits per second of the AAC-LC that G.711 (μ-law, A-law) audio is transcoded to (default 32000; 8000…48000).")
    var g711AACBitrate: Int?

    @Flag(name: .customLong("no-rtmp"), help: "Do not run the RTMP server.")
    var noRTMP = false

    @Option(name: .customLong("idle-timeout"), help: "Seconds after a publisher leaves before its playlist gets ENDLIST (default 30).")
    var idleTimeout: Double?

    @Option(name: .customLong("publish-token"), help: "A token publishers must present (repeatable).")
    var publishTokens: [String] = []

    @Option(
        name: .customLong("fsync"),
        help: ArgumentHelp(
            "When written files reach the disk: periodic or per-file (default periodic).",
            discussion:
                "periodic lists each file as soon as it is complete and syncs the output file system every second; a power cut can lose the last second, which resuming the playlist drops. per-file fsyncs every file before it is listed, so each publish waits for the disk."
        ))
    var fsync: FileSync?

    @Option(
        name: .customLong("archive-period"),
        help: "Media in each archive period playlist, a duration (10s, 1h30m, 7d; plain seconds); 0: no rotation (default 1h).")
    var archivePeriod: String?

    @Option(
        name: .customLong("dvr-window"),
        help: "Media the live playlist keeps while archives rotate, a duration (default 2h; at least 3 × hls_time).")
    var dvrWindow: String?

    @Option(
        name: .customLong("retain-for"),
        help: ArgumentHelp(
            "Keep each stream's segments this long after they end, a duration (e.g. 7d); default: for ever.",
            discussion: "A stream's own retain_for in hlsseg.yml wins over this."))
    var retainFor: String?

    @Option(
        name: .customLong("retain-max-size"),
        help: ArgumentHelp(
            "Bytes of segments each stream keeps, oldest removed first (e.g. 50GB, 2GiB; at least 1MB); default: no limit.",
            discussion: "A stream's own retain_max_size in hlsseg.yml wins over this."))
    var retainMaxSize: String?

    @Option(
        name: .customLong("retain-total-size"),
        help: "Bytes of segments all live streams keep together, the oldest media across streams removed first (e.g. 500GB).")
    var retainTotalSize: String?

    func validate() throws {
        if let rtmpPort, !(0...65535).contains(rtmpPort) { throw ValidationError("--rtmp-port must be 0…65535") }
        if let rtmpThreads, !(1...256).contains(rtmpThreads) { throw ValidationError("--rtmp-threads must be 1…256") }
        if let idleTimeout, idleTimeout < 0 { throw ValidationError("--idle-timeout must be ≥ 0") }
    }

    /// Reads the YAML file (if any) and applies the flags over it: the live configuration,
    /// and where the RTMP server listens (nil: `--no-rtmp`).
    func liveSettings() throws -> (configuration: LiveConfiguration, rtmp: RTMPListenerOptions?) {
        var file = LiveConfigFile()
        let path = config ?? (FileManager.default.fileExists(atPath: "hlsseg.yml") ? "hlsseg.yml" : nil)
        if let path {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ValidationError("cannot read --config \(path): \(error.localizedDescription)")
            }
            do { file = try YAMLDecoder().decode(LiveConfigFile.self, from: text) } catch {
                throw ValidationError("\(path): \(error)")
            }
        }
        var configuration = try file.liveConfiguration()
        if let idleTimeout { configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000)) }
        configuration.publishTokens.formUnion(publishTokens)
        if let fsync { configuration.fileSync = fsync }
        try applyArchiveOptions(to: &configuration)
        let port = noRTMP ? nil : (rtmpPort ?? file.rtmpPort ?? 1935)
        let threads = rtmpThreads ?? file.rtmpThreads ?? RTMPListenerOptions.defaultThreads
        guard (1...256).contains(threads) else { throw ValidationError("rtmp_threads must be 1…256") }
        let limits = try rtmpLimits(file: file)
        try applyTranscodeOptions(file: file)
        return (configuration, port.map { RTMPListenerOptions(host: rtmpHost, port: $0, threads: threads, limits: limits) })
    }

    /// Applies the archive and retention flags over the file's settings, then refuses limits
    /// that cannot work (`LiveConfiguration.checkArchiveLimits`).
    func applyArchiveOptions(to configuration: inout LiveConfiguration) throws {
        do {
            if let archivePeriod {
                configuration.archivePeriod = try DurationText.seconds(parsing: archivePeriod, setting: "--archive-period")
            }
            if let dvrWindow { configuration.dvrWindow = try DurationText.seconds(parsing: dvrWindow, setting: "--dvr-window") }
            if let retainFor { configuration.retention.maxAge = try DurationText.seconds(parsing: retainFor, setting: "--retain-for") }
            if let retainMaxSize {
                configuration.retention.maxSize = try ByteSize.bytes(parsing: retainMaxSize, setting: "--retain-max-size")
            }
            if let retainTotalSize {
                configuration.retainTotalSize = try ByteSize.bytes(parsing: retainTotalSize, setting: "--retain-total-size")
            }
            try configuration.checkArchiveLimits()
        } catch {
            throw ValidationError(error.reason)
        }
    }

    /// Sets the process-wide G.711 → AAC bit rate from the flag, else the file, else the default.
    func applyTranscodeOptions(file: LiveConfigFile) throws {
        let rate = g711AACBitrate ?? file.g711AACBitrate ?? G711Transcoding.defaultBitRate
        let range = G711Transcoding.bitRateRange
        guard range.contains(rate) else {
            throw ValidationError("--g711-aac-bitrate (g711_aac_bitrate) must be \(range.lowerBound)…\(range.upperBound) bit/s")
        }
        G711Transcoding.bitRate = rate
    }

    /// The RTMP limits of the flags, else of the file, else the defaults; each in its range.
    func rtmpLimits(file: LiveConfigFile) throws -> RTMPServerLimits {
        var limits = RTMPServerLimits()
        if let size = rtmpMaxMessageSize ?? file.rtmpMaxMessageSize {
            let range = RTMPLimits.messageSizeRange
            guard range.contains(size) else {
                throw ValidationError(
                    "--rtmp-max-message-size (rtmp_max_message_size) must be \(range.lowerBound)…\(range.upperBound) bytes")
            }
            limits.maximumMessageSize = size
        }
        if let count = rtmpMaxPendingConnections ?? file.rtmpMaxPendingConnections {
            guard count >= 1 else { throw ValidationError("--rtmp-max-pending-connections (rtmp_max_pending_connections) must be ≥ 1") }
            limits.maximumPendingConnections = count
        }
        if let budget = rtmpPendingBufferBudget ?? file.rtmpPendingBufferBudget {
            let minimum = RTMPServerLimits.minimumPendingBufferBudget
            guard budget >= minimum else {
                throw ValidationError(
                    "--rtmp-pending-buffer-budget (rtmp_pending_buffer_budget) must be ≥ \(minimum) bytes (what one connection may hold)")
            }
            limits.pendingBufferBudget = budget
        }
        return limits
    }
}

extension FileSync: ExpressibleByArgument {}
