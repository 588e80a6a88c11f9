import Packager
import Playlist
import Segmenter
import Testing

/// `write(contentsOf:)` tells live ingest which packet completed a segment (for the publish
/// latency) and whether a decided cut is waiting for the other tracks (to be woken eagerly).
@Suite("StreamPackager write reports")
struct WriteReportTests {
    /// 7 s of 25 fps video (keyframe every second) and 48 kHz AAC, interleaved by decode time.
    static func interleavedPackets() throws -> [MediaPacket] {
        let video = (0..<175).map { SyntheticStream.videoPacket($0, gop: 25, trackID: 1) }
        let audio = (0..<(7 * 48_000 / 1024)).map { SyntheticStream.audioPacket($0, trackID: 2) }
        return (video.map { ($0, Double($0.dts) / 90_000) } + audio.map { ($0, Double($0.dts) / 48_000) })
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    static func makePackager(_ name: String) throws -> (StreamPackager, OutputDirectory) {
        let directory = try SyntheticStream.temporaryDirectory(name)
        let configuration = PackagerConfiguration(
            hlsTime: 2, playlistType: .event, segmentFilename: try SegmentFilenameTemplate("seg%d.m4s"))
        let tracks = [SyntheticStream.videoTrack(id: 1), try SyntheticStream.audioTrack(id: 2)]
        return (
            StreamPackager(tracks: tracks, directory: directory, configuration: configuration, logger: SyntheticStream.logger), directory
        )
    }

    @Test("a segment is completed by the first audio packet at or after the cut keyframe; until then the cut is pending")
    func packetByPacket() async throws {
        let packets = try Self.interleavedPackets()
        let (packager, directory) = try Self.makePackager("report-single")
        var pendingCut: Double?
        var completed: [Int] = []
        for (index, packet) in packets.enumerated() {
            let report = try await packager.write(contentsOf: [packet])
            let seconds = packet.trackID == 1 ? Double(packet.pts) / 90_000 : Double(packet.pts) / 48_000
            if packet.trackID == 1, packet.isKeyframe, seconds > 0, seconds.truncatingRemainder(dividingBy: 2) == 0 {
                pendingCut = seconds
            }
            if let cut = pendingCut, packet.trackID == 2, seconds >= cut {
                #expect(report.completingPackets == [0], "audio at \(seconds) s should complete the segment cut at \(cut) s")
                #expect(!report.isClosingSegment)
                completed.append(index)
                pendingCut = nil
                // The segment is listed by the time the call returns.
                let playlist = try SyntheticStream.readPlaylist(directory)
                #expect(playlist.segments.count == completed.count)
            } else {
                #expect(report.completingPackets.isEmpty, "packet \(index) at \(seconds) s")
                #expect(report.isClosingSegment == (pendingCut != nil), "packet \(index) at \(seconds) s")
            }
        }
        #expect(completed.count == 3)  // cuts at 2, 4 and 6 s; the rest ends with finish()

        // One batch with everything: the same packets complete the segments, and each has the
        // moment its playlist was in place, in order, within the call.
        let (batched, _) = try Self.makePackager("report-batch")
        let start = ContinuousClock.now
        let report = try await batched.write(contentsOf: packets)
        let end = ContinuousClock.now
        #expect(report.completingPackets == completed)
        let listedAt = report.completions.map(\.listedAt)
        #expect(listedAt.count == completed.count)
        #expect(listedAt == listedAt.sorted())
        #expect(listedAt.allSatisfy { $0 >= start && $0 <= end })
        let summary = try await batched.finish()
        #expect(summary.sampleCount == packets.count)
        #expect(summary.segmentCount == 4)
    }
}
