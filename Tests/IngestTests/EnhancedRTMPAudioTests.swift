import Logging
import Segmenter
import TestSupport
import Testing

@testable import Ingest

/// Enhanced RTMP audio tags (ExAudioTagHeader: SoundFormat 9) built by hand, through
/// `EnhancedAudioTag` and `FLVDemuxer`, and the choice of track 0 in Multitrack packets.
@Suite("Enhanced RTMP audio and Multitrack track selection")
struct EnhancedRTMPAudioTests {
    /// libopus's ID header as FFmpeg's FLV muxer sends it: version 1, mono, pre-skip 312, 48 kHz.
    static let opusHead = hex("4f707573486561640101380180bb0000000000")
    static let opus: [UInt8] = Array("Opus".utf8)
    static let mp4a: [UInt8] = Array("mp4a".utf8)

    /// An Opus packet: TOC 0xF8 is CELT fullband 20 ms (960 samples), one frame; 0xF0 is 10 ms.
    static func opusPacket(toc: UInt8 = 0xF8, fill: UInt8 = 0x5A) -> [UInt8] { [toc, fill, fill, fill] }

    /// SoundFormat 9 | AudioPacketType, then the FourCC.
    static func exAudio(_ packetType: UInt8, fourCC: [UInt8] = opus) -> [UInt8] { [0x90 | packetType] + fourCC }

    /// One track of a ManyTracks packet: TrackId, UI24 size, data.
    static func track(_ id: UInt8, _ data: [UInt8]) -> [UInt8] {
        [id, UInt8(data.count >> 16), UInt8(data.count >> 8 & 0xFF), UInt8(data.count & 0xFF)] + data
    }

    enum Tag {
        case audio(UInt32, [UInt8])
        case video(UInt32, [UInt8])
    }

    /// Feeds `tags` to one demuxer (onMetaData announcing the kinds the tags have); its warnings go to `log`.
    static func demux(_ tags: [Tag], log: RecordingLogHandler.Lines = .init()) throws(IngestError) -> (
        events: [MediaEvent], demuxer: FLVDemuxer
    ) {
        var demuxer = FLVDemuxer(logger: log.logger())
        var events: [MediaEvent] = []
        var table: [(String, AMF0Value)] = []
        if tags.contains(where: { if case .video = $0 { true } else { false } }) { table.append(("videocodecid", .number(7))) }
        if tags.contains(where: { if case .audio = $0 { true } else { false } }) { table.append(("audiocodecid", .number(9))) }
        demuxer.metadata([.ecmaArray(table)])
        for tag in tags {
            switch tag {
            case .audio(let time, let payload): try demuxer.audio(timestamp: time, payload: payload, into: &events)
            case .video(let time, let payload): try demuxer.video(timestamp: time, payload: payload, into: &events)
            }
        }
        return (events, demuxer)
    }

    static func audioPackets(_ events: [MediaEvent]) -> [MediaPacket] {
        EnhancedRTMPVideoTests.packets(events).filter { $0.trackID == FLVDemuxer.audioTrackID }
    }

    static func videoPackets(_ events: [MediaEvent]) -> [MediaPacket] {
        EnhancedRTMPVideoTests.packets(events).filter { $0.trackID == FLVDemuxer.videoTrackID }
    }

    static func warnings(_ log: RecordingLogHandler.Lines, containing text: String) -> [String] {
        log.all.filter { $0.hasPrefix("warning") && $0.contains(text) }
    }

    // MARK: - EnhancedAudioTag

    @Test("the header parser: packet type, FourCC and the body's range, through ModEx and Multitrack")
    func parser() throws {
        let plain = try EnhancedAudioTag(parsing: Self.exAudio(1) + [1, 2, 3])
        #expect(plain.content == .media(fourCC: "Opus", packetType: .codedFrames, body: 5..<8))
        // ModEx: 3 bytes of nanosecond offset, then ModExType 0 | SequenceStart.
        let modEx = try EnhancedAudioTag(parsing: [0x97, 2, 0, 0x01, 0xF4, 0x00] + Self.mp4a + [0x11, 0x90])
        #expect(modEx.content == .media(fourCC: "mp4a", packetType: .sequenceStart, body: 10..<12))
        let oneTrack = try EnhancedAudioTag(parsing: [0x95, 0x01] + Self.opus + [0] + [9, 9])
        #expect(oneTrack.content == .media(fourCC: "Opus", packetType: .codedFrames, body: 7..<9))
        #expect(oneTrack.skippedTrackIDs.isEmpty)
        // ManyTracksManyCodecs: track 1 in ac-3, track 0 in Opus.
        let manyCodecs = try EnhancedAudioTag(
            parsing: [0x95, 0x21] + Array("ac-3".utf8) + Self.track(1, [7, 7, 7]) + Self.opus + Self.track(0, [8, 8]))
        #expect(manyCodecs.content == .media(fourCC: "Opus", packetType: .codedFrames, body: 21..<23))
        #expect(manyCodecs.skippedTrackIDs == [1])
        for skipped: UInt8 in [2, 4] {  // SequenceEnd, MultichannelConfig
            #expect(try EnhancedAudioTag(parsing: Self.exAudio(skipped) + [1, 1, 0, 0, 0, 4]).content == .ignored)
        }
        let otherTrack = try EnhancedAudioTag(parsing: [0x95, 0x01] + Self.opus + [1] + Self.opusPacket())
        #expect(otherTrack.content == .ignored && otherTrack.skippedTrackIDs == [1])
    }

    // MARK: - Opus

    @Test("Opus: the SequenceStart's OpusHead makes the track; each packet lasts what its TOC says, timed at 48 kHz")
    func opusTrackAndPackets() throws {
        let (events, demuxer) = try Self.demux([
            .audio(0, Self.exAudio(1) + Self.opusPacket(fill: 1)),  // before the SequenceStart: dropped
            .audio(0, Self.exAudio(0) + Self.opusHead),
            .audio(0, Self.exAudio(4) + [1, 1, 0, 0, 0, 4]),  // MultichannelConfig: skipped
            .audio(0, Self.exAudio(1) + Self.opusPacket(fill: 2)),
            .audio(21, Self.exAudio(1) + Self.opusPacket(fill: 3)),  // 1 ms of stamp jitter: smoothed
            .audio(40, Self.exAudio(1) + Self.opusPacket(toc: 0xF0, fill: 4)),  // 10 ms
            .audio(50, Self.exAudio(1) + [0xFB, 0x03, 0, 0]),  // code 3: three 20-ms frames
            .audio(110, Self.exAudio(2)),  // SequenceEnd: skipped
        ])
        #expect(demuxer.droppedAudio == nil)
        let tracks = try #require(EnhancedRTMPVideoTests.tracks(events).last)
        guard case .audio(.opus(let config), 48_000, 1, 48_000) = tracks.first?.format, tracks.count == 1 else {
            Issue.record("no mono Opus track at 48 kHz: \(tracks)")
            return
        }
        #expect(config.preSkip == 312 && config.inputSampleRate == 48_000 && config.channelMappingFamily == 0)
        #expect(config.opusHead == Self.opusHead)
        let packets = Self.audioPackets(events)
        #expect(
            packets.map(\.data) == [
                Self.opusPacket(fill: 2), Self.opusPacket(fill: 3), Self.opusPacket(toc: 0xF0, fill: 4), [0xFB, 0x03, 0, 0],
            ])
        #expect(packets.map(\.dts) == [0, 960, 1920, 2400])
        #expect(packets.map(\.pts) == packets.map(\.dts))
        #expect(packets.map(\.duration) == [960, 960, 480, 2880])
        #expect(packets.allSatisfy { $0.isKeyframe })
    }

    @Test("an Opus packet keeps the storage of the payload nothing else holds (no copy of its bytes)")
    func opusPacketWithoutCopy() throws {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("audiocodecid", .number(9))])])
        try demuxer.audio(timestamp: 0, payload: Self.exAudio(0) + Self.opusHead, into: &events)
        let payload = Self.exAudio(1) + [UInt8](repeating: 0xF8, count: 400)
        let address = payload.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        try demuxer.audio(timestamp: 0, payload: consume payload, into: &events)
        let packet = try #require(Self.audioPackets(events).first)
        #expect(packet.data.count == 400)
        #expect(packet.data.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == address)
    }

    @Test("Opus: an empty SequenceStart stands for stereo without pre-skip; a new OpusHead is a track change")
    func opusDefaultHeadAndChange() throws {
        let (events, _) = try Self.demux([
            .audio(0, Self.exAudio(0)),
            .audio(0, Self.exAudio(1) + Self.opusPacket()),
            .audio(20, Self.exAudio(0) + Self.opusHead),
            .audio(20, Self.exAudio(0) + Self.opusHead),  // the same again: no change
            .audio(20, Self.exAudio(1) + Self.opusPacket()),
        ])
        let changes = EnhancedRTMPVideoTests.tracks(events)
        #expect(changes.count == 2)
        guard case .audio(.opus(let first), _, 2, _) = changes.first?.first?.format else {
            Issue.record("no stereo Opus track first: \(changes)")
            return
        }
        #expect(first == FLVDemuxer.defaultOpusConfig && first.preSkip == 0)
        #expect(Self.audioPackets(events).map(\.dts) == [0, 960])
    }

    @Test("Opus: a malformed OpusHead or packet closes the connection")
    func opusBadInput() {
        let badHead = #expect(throws: IngestError.self) { _ = try Self.demux([.audio(0, Self.exAudio(0) + [1, 2, 3])]) }
        #expect(badHead?.code == .invalidStream && badHead?.reason.contains("OpusHead") == true)
        let badPacket = #expect(throws: IngestError.self) {
            _ = try Self.demux([.audio(0, Self.exAudio(0) + Self.opusHead), .audio(0, Self.exAudio(1) + [0xFB, 0x00])])  // 0 frames
        }
        #expect(badPacket?.code == .invalidStream && badPacket?.reason.contains("Opus packet") == true)
    }

    // MARK: - mp4a, .mp3, codecs we do not carry

    @Test("mp4a: the AudioSpecificConfig and raw AAC frames, as SoundFormat 10 gives them")
    func mp4a() throws {
        let enhanced = try Self.demux([
            .audio(0, Self.exAudio(0, fourCC: Self.mp4a) + [0x11, 0x90]),
            .audio(0, Self.exAudio(1, fourCC: Self.mp4a) + [0x21, 1, 2]),
            .audio(21, Self.exAudio(1, fourCC: Self.mp4a) + [0x21, 3, 4]),
            .audio(43, Self.exAudio(1, fourCC: Self.mp4a) + [0x21, 5, 6]),
        ])
        let legacy = try Self.demux([
            .audio(0, [0xAF, 0, 0x11, 0x90]), .audio(0, [0xAF, 1, 0x21, 1, 2]), .audio(21, [0xAF, 1, 0x21, 3, 4]),
            .audio(43, [0xAF, 1, 0x21, 5, 6]),
        ])
        #expect(enhanced.events == legacy.events)
        guard case .audio(.aac, 48_000, 2, 48_000) = EnhancedRTMPVideoTests.tracks(enhanced.events).first?.first?.format else {
            Issue.record("no AAC track: \(enhanced.events)")
            return
        }
        #expect(Self.audioPackets(enhanced.events).map(\.dts) == [0, 1024, 2048])
    }

    @Test(".mp3: libmp3lame's frames as CodedFrames give the packets of SoundFormat 2")
    func mp3() throws {
        let tags = try FLVMP3Tests.tags.get()
        let enhanced = try Self.demux(tags.map { .audio($0.0, Self.exAudio(1, fourCC: Array(".mp3".utf8)) + $0.1.dropFirst()) })
        let legacy = try FLVMP3Tests.demux(tags)
        #expect(enhanced.demuxer.droppedAudio == nil)
        #expect(Self.audioPackets(enhanced.events).count > 30)
        #expect(Self.audioPackets(enhanced.events) == FLVMP3Tests.packets(legacy.events))
    }

    @Test(
        "a FourCC we do not carry (ac-3, ec-3, fLaC, unknown) drops the audio with one warning; the video goes on",
        arguments: ["ac-3", "ec-3", "fLaC", "zzzz"])
    func unsupportedFourCC(fourCC: String) throws {
        let log = RecordingLogHandler.Lines()
        let avc1 = Array("avc1".utf8)
        let (events, demuxer) = try Self.demux(
            [
                .video(
                    0,
                    EnhancedRTMPVideoTests.exHeader(frameType: 1, packetType: 0, fourCC: avc1)
                        + Array(RTMPFixtures.videoSequenceHeader.dropFirst(5))),
                .audio(0, Self.exAudio(0, fourCC: Array(fourCC.utf8))),
                .audio(0, Self.exAudio(1, fourCC: Array(fourCC.utf8)) + [0x0B, 0x77, 1, 2]),
                .video(0, EnhancedRTMPVideoTests.exHeader(frameType: 1, packetType: 3, fourCC: avc1) + [0, 0, 0, 1, 0x65]),
                .audio(32, Self.exAudio(1, fourCC: Array(fourCC.utf8)) + [0x0B, 0x77, 3, 4]),
            ], log: log)
        #expect(demuxer.droppedAudio?.contains("'\(fourCC)'") == true, "\(String(describing: demuxer.droppedAudio))")
        #expect(Self.warnings(log, containing: "without audio").count == 1, "\(log.all)")
        #expect(EnhancedRTMPVideoTests.tracks(events).last?.count == 1)
        #expect(Self.videoPackets(events).count == 1 && Self.audioPackets(events).isEmpty)
    }

    // MARK: - Bad headers

    @Test(
        "an unknown or misplaced AudioPacketType closes the connection with a reason naming it",
        arguments: [
            ([0x93] + EnhancedRTMPAudioTests.opus, "packet type 3"),
            ([0x96] + EnhancedRTMPAudioTests.opus, "packet type 6"),
            ([0x97, 0, 0, 0x0E] + EnhancedRTMPAudioTests.opus, "packet type 14"),  // wrapped by a ModEx
            ([0x95, 0x05] + EnhancedRTMPAudioTests.opus + [0], "packet type 5"),  // Multitrack inside Multitrack
            ([0x95, 0x31] + EnhancedRTMPAudioTests.opus + [0], "multitrack type 3"),
        ])
    func unknownPacketType(tag: [UInt8], named: String) {
        let error = #expect(throws: IngestError.self) { _ = try Self.demux([.audio(0, tag + [1, 2, 3])]) }
        #expect(error?.code == .unsupportedCodec)
        #expect(error?.reason.contains(named) == true, "\(String(describing: error))")
    }

    @Test("a header cut at any byte closes the connection, never a crash")
    func truncated() throws {
        let tags: [[UInt8]] = [
            Self.exAudio(0),
            [0x97, 2, 0, 0x01, 0xF4, 0x01] + Self.opus,
            [0x97, 0xFF, 0x01, 0x00] + [UInt8](repeating: 0, count: 257) + [0x01] + Self.opus,
            [0x95, 0x01] + Self.opus + [0],
            [0x95, 0x11] + Self.opus + [0, 0, 0, 0],
            [0x95, 0x21] + Self.opus + [0, 0, 0, 0],
        ]
        for tag in tags {
            for length in 1..<tag.count {
                let error = #expect(throws: IngestError.self, "\(tag.prefix(length))") {
                    _ = try Self.demux([.audio(0, Array(tag.prefix(length)))])
                }
                #expect(error?.code == .invalidStream, "\(tag.prefix(length))")
            }
        }
    }

    // MARK: - Multitrack track selection

    @Test("audio Multitrack: track 0 is the stream's (OneTrack, or in the middle of ManyTracks); others are skipped with one warning")
    func audioMultitrack() throws {
        let log = RecordingLogHandler.Lines()
        let stereoHead = OpusSpecificConfig(outputChannelCount: 2, preSkip: 120, inputSampleRate: 44_100).opusHead
        let (events, _) = try Self.demux(
            [
                // FFmpeg's layout: track 0 in plain tags, track 1 in OneTrack packets.
                .audio(0, Self.exAudio(0) + Self.opusHead),
                .audio(0, [0x95, 0x00] + Self.opus + [1] + stereoHead),  // would replace track 0's head
                .audio(0, Self.exAudio(1) + Self.opusPacket(fill: 1)),
                .audio(0, [0x95, 0x01] + Self.opus + [1] + Self.opusPacket(fill: 2)),
                .audio(20, [0x95, 0x01] + Self.opus + [0] + Self.opusPacket(fill: 3)),  // OneTrack of track 0
                // ManyTracks: tracks 2, 0 and 1 of one codec.
                .audio(
                    40,
                    [0x95, 0x11] + Self.opus + Self.track(2, Self.opusPacket(fill: 4)) + Self.track(0, Self.opusPacket(toc: 0xF0, fill: 5))
                        + Self.track(1, Self.opusPacket(fill: 6))),
                // ManyTracksManyCodecs without track 0.
                .audio(50, [0x95, 0x21] + Self.mp4a + Self.track(1, [0x21, 0]) + Self.opus + Self.track(3, Self.opusPacket(fill: 7))),
            ], log: log)
        #expect(EnhancedRTMPVideoTests.tracks(events).count == 1)
        guard case .audio(.opus(let config), _, 1, _) = EnhancedRTMPVideoTests.tracks(events).first?.first?.format else {
            Issue.record("no mono Opus track: \(events)")
            return
        }
        #expect(config.preSkip == 312)
        let packets = Self.audioPackets(events)
        #expect(packets.map(\.data) == [Self.opusPacket(fill: 1), Self.opusPacket(fill: 3), Self.opusPacket(toc: 0xF0, fill: 5)])
        #expect(packets.map(\.dts) == [0, 960, 1920])
        let warnings = Self.warnings(log, containing: "multitrack")
        #expect(warnings.count == 1 && warnings[0].contains("multitrack audio") && warnings[0].contains("track 1"), "\(log.all)")
    }

    @Test("a ManyTracks track longer than the rest of its tag closes the connection")
    func trackSizeBeyondTag() {
        let audio = #expect(throws: IngestError.self) {
            _ = try Self.demux([.audio(0, [0x95, 0x11] + Self.opus + [0, 0, 0, 5] + Self.opusPacket())])
        }
        #expect(audio?.code == .invalidStream && audio?.reason.contains("runs past its tag") == true)
        let video = #expect(throws: IngestError.self) {
            _ = try EnhancedRTMPVideoTests.demux([
                [0x80 | 1 << 4 | 6, 0x13] + EnhancedRTMPVideoTests.hvc1 + Self.track(0, EnhancedRTMPVideoTests.frame(idr: true))
                    + [1, 0, 0, 9, 0]
            ])
        }
        #expect(video?.code == .invalidStream && video?.reason.contains("track 1") == true)
    }
}
