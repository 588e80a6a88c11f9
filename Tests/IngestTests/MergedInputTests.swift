import Ingest
import Segmenter
import Testing

@Suite("MergedInput")
struct MergedInputTests {
    @Test("raw .h264 + .aac, shortest: interleaved by time, audio cut at the video's end")
    func rawElementaryStreams() throws {
        let merged = try MergedInput(urls: [try Fixtures.path("video.h264"), try Fixtures.path("audio.aac")], shortest: true)
        #expect(merged.tracks.map(\.id) == [1, 2])
        #expect(merged.tracks.map(\.format.isVideo) == [true, false])
        let timescales = Dictionary(uniqueKeysWithValues: merged.tracks.map { ($0.id, Double($0.format.timescale)) })
        var packets: [MediaPacket] = []
        while let packet = try merged.nextPacket() { packets.append(packet) }
        let video = packets.filter { $0.trackID == 1 }
        let audio = packets.filter { $0.trackID == 2 }
        #expect(video.count == 50)
        // 2 s of video: audio stops there instead of running on to 3 s.
        let lastAudio = try #require(audio.last)
        #expect(Double(lastAudio.dts) / timescales[2]! < 2.0)
        #expect(Double(lastAudio.dts) / timescales[2]! > 1.9)
        let times = packets.map { Double($0.dts) / timescales[$0.trackID]! }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(!merged.endedWithDamage)
        #expect(merged.keyframePlan()?.keyframeTimes.count == 2)
    }

    @Test("without shortest the longer stream runs to its end")
    func longest() throws {
        let merged = try MergedInput(urls: [try Fixtures.path("video.h264"), try Fixtures.path("audio.aac")])
        var last: Double = 0
        while let packet = try merged.nextPacket() {
            if packet.trackID == 2 { last = Double(packet.dts) / 48000 }
        }
        #expect(last > 2.9)
    }

    @Test("a second input only contributes the kind still missing")
    func secondInputKinds() throws {
        let merged = try MergedInput(urls: [try Fixtures.path("av.mp4"), try Fixtures.path("audio.aac")])
        #expect(merged.tracks.count == 2)
        var count = 0
        while try merged.nextPacket() != nil { count += 1 }
        #expect(count == (try Fixtures.packetCounts(try Fixtures.path("av.mp4"))).reduce(0, +))
    }

    @Test("a video SPS change mid-input: one tracks event, just before the first packet that uses it, audio unchanged")
    func parameterSetChange() throws {
        let merged = try MergedInput(urls: [try Fixtures.path("joined.h264"), try Fixtures.path("audio.aac")], shortest: true)
        let audio = merged.tracks[1]
        var events: [MediaEvent] = []
        while let event = try merged.nextEvent() { events.append(event) }
        let changes = events.indices.filter { if case .tracks = events[$0] { true } else { false } }
        try #require(changes.count == 1)
        guard case .tracks(let tracks) = events[changes[0]], case .packet(let next) = events[changes[0] + 1] else {
            Issue.record("the change is not followed by a packet")
            return
        }
        #expect(tracks.count == 2 && tracks[1] == audio)
        guard case .video(_, let width, let height, _) = tracks[0].format else {
            Issue.record("the first track is not video")
            return
        }
        #expect((width, height) == (128, 96))
        #expect(merged.tracks == tracks)
        // The 51st video packet (the joined clip's IDR) is the first of the new configuration.
        #expect(next.trackID == 1 && next.isKeyframe)
        let videoBefore = events[..<changes[0]].filter { if case .packet(let p) = $0 { p.trackID == 1 } else { false } }
        #expect(videoBefore.count == 50)
    }
}
