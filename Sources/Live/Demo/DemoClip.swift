import Foundation
import Ingest
import Logging
import Segmenter

/// The demo's sample: 8 s of 1280×720 30 fps H.264 (a GOP per second) and 48 kHz AAC, made by
/// the system's ffmpeg on first use and kept in a cache folder.
///
/// 8 s is 240 video frames and exactly 375 AAC frames of 1024 samples, so both tracks loop on
/// the same period and the looped timeline has neither gaps nor overlaps.
public enum DemoClip {
    public static let seconds = 8
    public static let width = 1280
    public static let height = 720
    static let fileName = "demo-sample-v1.mp4"

    /// The clip's path in `cacheDirectory`, made with ffmpeg when missing.
    public static func ensure(cacheDirectory: String, logger: Logger) throws -> String {
        let path = cacheDirectory + "/" + fileName
        if FileManager.default.fileExists(atPath: path) { return path }
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let temporary = cacheDirectory + "/." + fileName + ".tmp.mp4"
        logger.info("making the demo clip with ffmpeg", metadata: ["path": "\(path)"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=30:duration=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000:duration=\(seconds)",
            "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-bf", "0", "-b:v", "2500k",
            "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000",
            "-movflags", "+faststart", temporary,
        ]
        do {
            try process.run()
        } catch {
            throw LiveError(.demoFailed, "could not run ffmpeg to make the demo clip (install it: scripts/setup.sh): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw LiveError(.demoFailed, "ffmpeg failed to make the demo clip (exit \(process.terminationStatus))")
        }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return path
    }

    /// One pass of the clip in memory, with each track's loop period in its own ticks.
    struct Loop: Sendable {
        var tracks: [Track]
        var packets: [MediaPacket]
        /// trackID → ticks added per pass.
        var period: [UInt32: Int64]
        var periodSeconds: Double
    }

    /// Reads the whole clip (a few hundred packets) on a thread of its own: libavformat reads block.
    static func load(path: String, logger: Logger) async throws -> Loop {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try loadBlocking(path: path, logger: logger))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "hlsseg-demo-reader"
            thread.start()
        }
    }

    static func loadBlocking(path: String, logger: Logger) throws -> Loop {
        let input = try MergedInput(urls: [path], logger: logger)
        var packets: [MediaPacket] = []
        while let packet = try input.nextPacket() { packets.append(packet) }
        guard let video = input.tracks.first(where: \.format.isVideo) else {
            throw LiveError(.demoFailed, "the demo clip has no video track")
        }
        let videoPackets = packets.filter { $0.trackID == video.id }
        guard let first = videoPackets.first, videoPackets.count > 1 else {
            throw LiveError(.demoFailed, "the demo clip has no video frames")
        }
        let frame = videoPackets[1].dts - first.dts
        let videoPeriod = Int64(videoPackets.count) * frame
        let periodSeconds = Double(videoPeriod) / Double(video.format.timescale)
        var period: [UInt32: Int64] = [video.id: videoPeriod]
        var kept = packets.filter { $0.trackID == video.id }
        for track in input.tracks where track.id != video.id {
            // Audio: renumber frames back to back from the first one and keep exactly one period.
            let ticks = Int64((periodSeconds * Double(track.format.timescale)).rounded())
            period[track.id] = ticks
            let own = packets.filter { $0.trackID == track.id }
            guard let start = own.first?.dts, let duration = own.first?.duration ?? (own.count > 1 ? own[1].dts - own[0].dts : nil),
                duration > 0
            else { continue }
            for (index, var packet) in own.enumerated() {
                let dts = start + Int64(index) * duration
                guard dts - start + duration <= ticks else { break }
                packet.dts = dts
                packet.pts = dts
                packet.duration = duration
                kept.append(packet)
            }
        }
        // Interleave by time, as a muxer would.
        let scales = Dictionary(uniqueKeysWithValues: input.tracks.map { ($0.id, Double($0.format.timescale)) })
        kept.sort { Double($0.dts) / scales[$0.trackID]! < Double($1.dts) / scales[$1.trackID]! }
        return Loop(tracks: input.tracks, packets: kept, period: period, periodSeconds: periodSeconds)
    }
}
