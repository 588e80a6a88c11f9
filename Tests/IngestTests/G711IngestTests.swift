import Foundation
import Segmenter
import TestSupport
import Testing

@testable import Ingest

private func packets(_ events: [MediaEvent]) -> [MediaPacket] {
    events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
}

private func lastTracks(_ events: [MediaEvent]) -> [Track]? {
    events.compactMap { if case .tracks(let tracks) = $0 { tracks } else { nil } }.last
}

@Suite("G.711 from RTMP, WebSocket frames and libavformat", .timeLimit(.minutes(2)))
struct G711IngestTests {
    /// FLV AUDIODATA for G.711: SoundFormat 8 (μ-law) or 7 (A-law), rate bits 11 as ffmpeg
    /// writes them (the rate does not apply), 16-bit, mono.
    static func flvG711(_ law: G711Law, _ codes: [UInt8]) -> [UInt8] {
        [(law == .muLaw ? 0x80 : 0x70) | 0x0E] + codes
    }

    static func demux(_ law: G711Law, frames: Int, bytes: Int = 160) throws -> (events: [MediaEvent], demuxer: FLVDemuxer) {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(law == .muLaw ? 8 : 7))])])
        try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader, into: &events)
        try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoFrame(keyframe: true, nal: [0x65]), into: &events)
        for index in 0..<frames {
            let milliseconds = UInt32(index * bytes / 8)
            try demuxer.audio(timestamp: milliseconds, payload: flvG711(law, [UInt8](repeating: 0x55, count: bytes)), into: &events)
        }
        return (events, demuxer)
    }

    @Test(
        "RTMP sound formats 8 and 7 become an 8 kHz mono AAC-LC track with packets 1024 samples apart",
        arguments: [
            G711Law.muLaw, .aLaw,
        ])
    func rtmp(law: G711Law) throws {
        let (events, _) = try Self.demux(law, frames: 100)  // 2 s of 20 ms frames
        let tracks = try #require(lastTracks(events))
        #expect(tracks.count == 2)
        guard case .audio(.aac(let config), let rate, let channels, let timescale) = tracks[1].format else {
            Issue.record("no AAC audio track: \(tracks)")
            return
        }
        #expect(config.objectType == 2 && rate == 8000 && channels == 1 && timescale == 8000)
        let audio = packets(events).filter { $0.trackID == FLVDemuxer.audioTrackID }
        // 16000 samples: 15 full frames went to the encoder; it answers the first with nothing
        // and the second with the priming packet (dropped), so 13 packets are out, the rest held.
        #expect(audio.count == 13)
        #expect(audio.map(\.pts) == (0..<Int64(audio.count)).map { $0 * 1024 })
    }

    @Test("a publisher that switches from AAC to G.711 gets a new audio track (8 kHz AAC) before the transcoded packets")
    func rtmpSwitchFromAAC() throws {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("audiocodecid", .number(10))])])
        try demuxer.audio(timestamp: 0, payload: RTMPFixtures.audioSequenceHeader, into: &events)
        try demuxer.audio(timestamp: 0, payload: RTMPFixtures.audioFrame([1, 2]), into: &events)
        let before = try #require(lastTracks(events))
        events = []
        for index in 0..<50 {
            try demuxer.audio(
                timestamp: UInt32(100 + index * 20), payload: Self.flvG711(.muLaw, [UInt8](repeating: 0xFF, count: 160)), into: &events)
        }
        let after = try #require(lastTracks(events))
        #expect(before != after)
        #expect(after.first?.format.timescale == 8000)
        let firstPacket = events.firstIndex { if case .packet = $0 { true } else { false } }
        let trackEvent = events.firstIndex { if case .tracks = $0 { true } else { false } }
        #expect(trackEvent != nil && firstPacket != nil && trackEvent! < firstPacket!)
    }

    @Test("RTMP G.711 tags of impossible length close the connection: empty, and beyond the limit")
    func rtmpImpossibleLength() throws {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        #expect(ingestErrorCode { try demuxer.audio(timestamp: 0, payload: [0x8E], into: &events) } == .invalidStream)
        var other = FLVDemuxer()
        #expect(
            ingestErrorCode {
                try other.audio(
                    timestamp: 0, payload: Self.flvG711(.aLaw, [UInt8](repeating: 0, count: G711AACTranscoder.maximumFrameLength + 1)),
                    into: &events)
            } == .limitExceeded)
    }

    @Test("other FLV sound formats (MP3 8 kHz, Speex, Nellymoser) drop the audio once; the video goes on", arguments: [UInt8(14), 11, 6])
    func rtmpOtherAudio(format: UInt8) throws {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(Double(format)))])])
        try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader, into: &events)
        try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoFrame(keyframe: true, nal: [0x65]), into: &events)
        #expect(events.isEmpty)  // waiting for the announced audio
        try demuxer.audio(timestamp: 0, payload: [format << 4 | 0x0E, 1, 2, 3], into: &events)
        try demuxer.audio(timestamp: 20, payload: [format << 4 | 0x0E, 1, 2, 3], into: &events)
        try demuxer.video(timestamp: 40, payload: RTMPFixtures.videoFrame(keyframe: false, nal: [0x41]), into: &events)
        #expect(lastTracks(events)?.map(\.format.isVideo) == [true])
        #expect(packets(events).count == 2 && packets(events).allSatisfy { $0.trackID == FLVDemuxer.videoTrackID })
        let reason = try #require(demuxer.droppedAudio)
        #expect(reason.contains("sound format \(format) (\(FLVDemuxer.soundFormatName(format)))"))
    }

    @Test("WebSocket frames with codec 1 (μ-law) and 2 (A-law) become AAC; the codec byte round-trips; video refuses it")
    func webSocket() throws {
        let message = FrameMessage(kind: .audio, codec: .g711ALaw, timestamps: (0, 0), payload: [0xD5, 0xD5][...])
        let bytes = message.serialized()
        #expect(bytes[3] == 2)
        #expect(try FrameMessage(parsing: bytes) == message)
        var video = FrameMessage(kind: .video, payload: [0][...]).serialized()
        video[3] = 2  // video's 1 is H.265
        #expect(ingestErrorCode { _ = try FrameMessage(parsing: video) } == .invalidStream)
        var unknown = bytes
        unknown[3] = 3
        #expect(ingestErrorCode { _ = try FrameMessage(parsing: unknown) } == .invalidStream)

        for codec in [FrameMessage.Codec.g711MuLaw, .g711ALaw] {
            var session = FrameIngestSession()
            var events: [MediaEvent] = []
            events += try session.receive(
                FrameMessage(
                    kind: .video, isKeyframe: true, timestamps: (0, 0),
                    payload: FramesTests.annexB([FramesTests.sps, FramesTests.pps, [0x65, 1]])[...]
                )
                .serialized(), arrivalMicroseconds: 0)
            for index in 0..<100 {
                let pts = Int64(index) * 20_000
                events += try session.receive(
                    FrameMessage(kind: .audio, codec: codec, timestamps: (pts, pts), payload: [UInt8](repeating: 0x55, count: 160)[...])
                        .serialized(), arrivalMicroseconds: pts)
            }
            let tracks = try #require(lastTracks(events))
            #expect(tracks.count == 2)
            #expect(tracks.last?.format.codecs == "mp4a.40.2")
            let audio = packets(events).filter { $0.trackID == 2 }
            #expect(audio.count == 13 && audio.map(\.pts) == (0..<13).map { Int64($0) * 1024 })  // as for RTMP
            // An empty G.711 message is bad input: it closes the connection.
            #expect(
                ingestErrorCode {
                    _ = try session.receive(FrameMessage(kind: .audio, codec: codec, payload: [][...]).serialized(), arrivalMicroseconds: 0)
                } == .invalidStream)
        }
    }

    static func makeFile(_ name: String, audio: String) throws -> String {
        let directory = try TestScratch.directory("g711-file-\(name)").path
        let path = "\(directory)/\(name)"
        try Fixtures.run(
            Fixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=8000", "-t", "2", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
            ] + audio.split(separator: " ").map(String.init) + [path])
        return path
    }

    @Test(
        "files with pcm_mulaw / pcm_alaw audio (mkv, mov, flv) open with an AAC track; timestamps counted from the first",
        arguments: [
            ("ulaw.mkv", "-c:a pcm_mulaw -ar 8000 -ac 1"), ("alaw.mov", "-c:a pcm_alaw -ar 8000 -ac 1"),
            ("ulaw.flv", "-c:a pcm_mulaw -ar 8000 -ac 1"),
        ])
    func files(name: String, audio: String) throws {
        let input = try LibAVInput(url: try Self.makeFile(name, audio: audio))
        #expect(input.tracks.count == 2)
        #expect(input.tracks.last?.format.codecs == "mp4a.40.2")
        #expect(input.tracks.last?.format.timescale == 8000)
        let audioPackets = try readAll(input).filter { $0.trackID == 2 }
        // 2 s = 16000 samples: 15 full frames and a last one of 640 samples, all delivered.
        #expect(audioPackets.count == 16)
        // The first packet's time is the container's (flv shifts everything by the B-frame delay).
        let first = try #require(audioPackets.first?.pts)
        #expect(audioPackets.map(\.pts) == (0..<16).map { first + Int64($0) * 1024 })
        #expect(audioPackets.last.map { $0.pts + $0.duration! } == first + 16000)
    }

    @Test("other audio: a file is refused naming it; a pulled source keeps the video and drops the audio with one warning")
    func otherAudio() throws {
        let path = try Self.makeFile("mp2.mkv", audio: "-c:a mp2 -ar 48000")
        #expect(throws: IngestError.self) { _ = try LibAVInput(url: path) }
        let input = try LibAVInput(url: path, options: InputOptions(dropsUnsupportedAudio: true))
        #expect(input.tracks.map(\.format.isVideo) == [true])
        #expect(input.warnings.count == 1 && input.warnings[0].contains("MP2 audio is not supported"))
        #expect(PulledSource(streamName: "s", url: path).options.dropsUnsupportedAudio)
    }
}
