import Foundation
import Ingest
import Logging
import Packager
import Segmenter

extension LiveHub {
    /// Feeds one publisher's events to the stream's packager, a batch at a time (see
    /// `LiveMediaQueue` for when it wakes), and records the publish latencies.
    nonisolated func pump(name: String, queue: LiveMediaQueue, logger: Logger) async {
        var packager: StreamPackager?
        var videoTracks: Set<UInt32> = []
        var lastKeyframeArrival: ContinuousClock.Instant?
        var wake = LiveMediaQueue.Wake.everyEvent
        var health = StreamWriteHealth()
        var failures = 0
        func failed(_ error: any Error) {
            failures += 1
            if failures <= 3 { logger.warning("live \(name): \(error)") }
        }
        func observe(_ report: StreamPackager.WriteReport) {
            if !report.losses.isEmpty {
                metrics.framesLost.increment(by: Int64(report.losses.frames))
                metrics.mediaSecondsLost.increment(by: report.losses.seconds)
            }
            for event in health.observe(report) {
                switch event {
                case .failing(let error):
                    logger.warning("live \(name): writing failed (\(error)); media is lost until writes succeed again")
                case .recovered(let lost):
                    logger.warning("live \(name): writes recovered; \(Self.describe(lost)) lost while they failed")
                }
            }
        }
        while let batch = await queue.next(wake: wake) {
            var start = batch.startIndex
            while start < batch.endIndex {
                if case .tracks(let tracks) = batch[start].event {
                    videoTracks = Set(tracks.filter(\.format.isVideo).map(\.id))
                    do {
                        if let current = packager {
                            try await current.beginDiscontinuity(tracks: tracks)  // codec change mid-publish
                        } else {
                            packager = try await self.packager(for: name, tracks: tracks)
                        }
                    } catch {
                        failed(error)
                    }
                    start += 1
                    continue
                }
                // The packets up to the next tracks event; their arrivals are read from `batch` by
                // index below, since copying whole items costs a reference count round trip each.
                let runStart = start
                var packets: [MediaPacket] = []
                while start < batch.endIndex, case .packet(let packet) = batch[start].event {
                    packets.append(packet)
                    start += 1
                }
                metrics.framesReceived.increment(by: Int64(packets.count))
                guard let packager else { continue }
                let report: StreamPackager.WriteReport
                do {
                    report = try await packager.write(contentsOf: packets)
                } catch {
                    failed(error)
                    continue
                }
                observe(report)
                if !report.completions.isEmpty { segmentListed.notify() }
                var completions = report.completions[...]
                for offset in packets.indices {
                    let arrival = batch[runStart + offset].arrival
                    if packets[offset].isKeyframe, videoTracks.contains(packets[offset].trackID) {
                        lastKeyframeArrival = arrival
                    }
                    guard let completion = completions.first, completion.packet == offset else { continue }
                    completions.removeFirst()
                    metrics.publishFromCompletingPacket.record(completion.listedAt - arrival)
                    if let lastKeyframeArrival { metrics.publishFromKeyframe.record(completion.listedAt - lastKeyframeArrival) }
                }
                wake = report.isClosingSegment ? .everyEvent : .batched
            }
        }
    }

    /// "3 segments (6.0 s, 180 frames)".
    static func describe(_ losses: StreamPackager.Losses) -> String {
        "\(losses.segments) segment\(losses.segments == 1 ? "" : "s") (\(String(format: "%.1f", losses.seconds)) s, \(losses.frames) frames)"
    }

    /// The stream's packager: a new one, or the existing one continued after a discontinuity.
    private func packager(for name: String, tracks: [Track]) async throws -> StreamPackager {
        if let existing = entries[name]?.packager {
            try await existing.beginDiscontinuity(tracks: tracks)
            logger.info("live \(name): continuing after a discontinuity")
            return existing
        }
        let directory = try entries[name]?.directory ?? checkedDirectory(of: name, opened: nil)
        var configuration = configuration.packager(for: name)
        if configuration.archive != nil {
            // Before the index opens: it records the taken-over playlist's segments under its name.
            let now = StreamPackager.systemMilliseconds()
            if let taken = try StreamPackager.archiveEarlierRecording(in: directory, configuration: configuration, now: now) {
                logger.info("live \(name): the recording in \(configuration.playlistName) is kept as the archive playlist \(taken)")
            }
            configuration.archive?.index = try ArchiveIndexWriter(root: root, stream: name)
        }
        let packager = StreamPackager(
            tracks: tracks, directory: directory, configuration: configuration,
            logger: Logger(label: "hlsseg.live.\(name)"), fileIO: Self.fileIO)
        entries[name, default: Entry()].packager = packager
        startSyncing()
        return packager
    }
}
