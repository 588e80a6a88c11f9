import Segmenter
import TestSupport
import Testing

@testable import Ingest

/// Enhanced RTMP video tags (ExVideoTagHeader) and the legacy FLV codec id 12, built by hand.
@Suite("Enhanced RTMP video and FLV codec id 12")
struct EnhancedRTMPVideoTests {
    /// libx265's parameter sets for Main 320x180 (as in the Segmenter's HEVC tests).
    static let vps = hex("40010c01ffff01600000030090000003000003003c959409")
    static let sps = hex("42010101600000030090000003000003003ca00a080c1f3e595952930bc05a020000030002000003003c10")
    static let pps = hex("4401c073c189")

    static func hvcC(lengthSize: Int = 4) throws -> [UInt8] {
        var record = try HEVCDecoderConfigurationRecord(vps: [vps], sps: [sps], pps: [pps])
        record.nalLengthSize = lengthSize
        return record.serialized()
    }

    /// One NAL unit with a 4-byte length prefix: an IDR (type 19) or a trailing picture (type 1).
    static func frame(idr: Bool, fill: UInt8 = 0xAB) -> [UInt8] {
        let nal: [UInt8] = [idr ? 19 << 1 : 1 << 1, 0x01, fill, fill]
        return [0, 0, 0, UInt8(nal.count)] + nal
    }

    static let hvc1: [UInt8] = Array("hvc1".utf8)

    /// IsExHeader | FrameType | PacketType, then the FourCC.
    static func exHeader(frameType: UInt8, packetType: UInt8, fourCC: [UInt8] = hvc1) -> [UInt8] {
        [0x80 | frameType << 4 | packetType] + fourCC
    }

    static func demux(_ tags: [[UInt8]]) throws(IngestError) -> [MediaEvent] {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("videocodecid", .number(12))])])
        for (index, tag) in tags.enumerated() {
            try demuxer.video(timestamp: UInt32(index * 40), payload: tag, into: &events)
        }
        return events
    }

    static func packets(_ events: [MediaEvent]) -> [MediaPacket] {
        events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
    }

    static func tracks(_ events: [MediaEvent]) -> [[Track]] {
        events.compactMap { if case .tracks(let tracks) = $0 { tracks } else { nil } }
    }

    @Test("SequenceStart makes an HEVC track; CodedFrames keeps its composition time, CodedFramesX has none")
    func sequenceStartAndFrames() throws {
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
            Self.exHeader(frameType: 1, packetType: 1) + [0, 0, 80] + Self.frame(idr: true),
            Self.exHeader(frameType: 2, packetType: 3) + Self.frame(idr: false),
            Self.exHeader(frameType: 2, packetType: 1) + [0xFF, 0xFF, 0xD8] + Self.frame(idr: false),  // -40 ms
            Self.exHeader(frameType: 1, packetType: 2),  // SequenceEnd
        ])
        let tracks = try #require(Self.tracks(events).first)
        guard case .video(.hevc(let record), let width, let height, 1000) = tracks.first?.format else {
            Issue.record("no HEVC track: \(tracks)")
            return
        }
        #expect(width == 320 && height == 180)
        #expect(record.codecsString == "hvc1.1.6.L60.90")
        let packets = Self.packets(events)
        #expect(packets.map(\.dts) == [40, 80, 120])
        #expect(packets.map(\.pts) == [120, 80, 80])
        #expect(packets.map(\.isKeyframe) == [true, false, false])
        #expect(packets[0].data == Self.frame(idr: true))
    }

    @Test("2-byte NAL lengths become 4-byte ones; a new hvcC is a track change, the same one is not")
    func lengthSizeAndTrackChange() throws {
        let twoByte: [UInt8] = [0, 4, 19 << 1, 0x01, 0xAB, 0xAB]
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(lengthSize: 2),
            Self.exHeader(frameType: 1, packetType: 3) + twoByte,
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(lengthSize: 2),
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(lengthSize: 4),
            Self.exHeader(frameType: 1, packetType: 3) + Self.frame(idr: true),
        ])
        #expect(Self.tracks(events).count == 2)
        #expect(Self.packets(events).map(\.data) == [Self.frame(idr: true), Self.frame(idr: true)])
    }

    /// libx265's parameter sets for Main 240x180.
    static let otherVPS = hex("40010c01ffff01600000030090000003000003003c959809")
    static let otherSPS = hex("42010101600000030090000003000003003ca01e202e7de5959a4932bc05a02000000300200000030321")
    static let otherPPS = hex("4401c172b46240")

    static func prefixed(_ units: [[UInt8]]) -> [UInt8] {
        units.flatMap { [0, 0, 0, UInt8($0.count)] + $0 }
    }

    @Test("in-band VPS/SPS/PPS: repeats of the hvcC are taken out, a new set on a keyframe is a new track, a PPS update stays")
    func inBandParameterSets() throws {
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
            Self.exHeader(frameType: 1, packetType: 3) + Self.prefixed([Self.vps, Self.sps, Self.pps]) + Self.frame(idr: true),
            Self.exHeader(frameType: 2, packetType: 3) + Self.prefixed([Self.otherPPS]) + Self.frame(idr: false),
            Self.exHeader(frameType: 1, packetType: 3)
                + Self.prefixed([Self.otherVPS, Self.otherSPS, Self.otherPPS]) + Self.frame(idr: true, fill: 0xCD),
            Self.exHeader(frameType: 2, packetType: 3) + Self.frame(idr: false),
        ])
        #expect(
            Self.packets(events).map(\.data) == [
                Self.frame(idr: true), Self.prefixed([Self.otherPPS]) + Self.frame(idr: false), Self.frame(idr: true, fill: 0xCD),
                Self.frame(idr: false),
            ])
        let tracks = Self.tracks(events)
        try #require(tracks.count == 2)
        guard case .video(.hevc(let record), let width, let height, _) = tracks[1].first?.format else {
            Issue.record("the second track is not HEVC: \(tracks[1])")
            return
        }
        #expect((width, height) == (240, 180))
        #expect(record.sequenceParameterSets == [Self.otherSPS] && record.pictureParameterSets == [Self.otherPPS])
        // The new track comes just before the keyframe that carries it.
        let change = try #require(events.lastIndex { if case .tracks = $0 { true } else { false } })
        guard case .packet(let first) = events[change + 1] else {
            Issue.record("no packet after the change")
            return
        }
        #expect(first.data == Self.frame(idr: true, fill: 0xCD))
    }

    @Test("a keyframe flag without an IRAP picture does not start a segment")
    func keyframeNeedsIRAP() throws {
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
            Self.exHeader(frameType: 1, packetType: 3) + Self.frame(idr: false),
        ])
        #expect(Self.packets(events).map(\.isKeyframe) == [false])
    }

    @Test("Metadata, MPEG2TSSequenceStart and command frames are skipped")
    func skippedPacketTypes() throws {
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 4) + [0x02, 0x00, 0x09] + Array("colorInfo".utf8) + [0x03, 0, 0, 9],
            Self.exHeader(frameType: 1, packetType: 5) + [1, 2, 3],
            [0x80 | 5 << 4 | 1, 0],  // command frame
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
            Self.exHeader(frameType: 1, packetType: 3) + Self.frame(idr: true),
        ])
        #expect(Self.packets(events).count == 1)
    }

    @Test("ModEx modifier data (short and long sizes, nested) is skipped and the wrapped packet type is used")
    func modEx() throws {
        // ModEx: size-1 = 2 → 3 bytes of nanosecond offset, then ModExType 0 | PacketType.
        // A second ModEx inside: 1 byte of data, then CodedFramesX.
        let short: [UInt8] = [0x80 | 1 << 4 | 7, 2, 0, 0x01, 0xF4, 0x07, 0x00, 0x00, 0x03]
        let long: [UInt8] = [0xFF, 0x01, 0x00] + [UInt8](repeating: 0, count: 257) + [0x03]  // 257 bytes, then CodedFramesX
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
            short + Self.hvc1 + Self.frame(idr: true),
            [0x80 | 2 << 4 | 7] + long + Self.hvc1 + Self.frame(idr: false),
        ])
        #expect(Self.packets(events).map(\.data) == [Self.frame(idr: true), Self.frame(idr: false)])
    }

    @Test("Multitrack: track 0 is the stream's (plain, OneTrack, or in the middle of ManyTracks); others are skipped with one warning")
    func multitrack() throws {
        let log = RecordingLogHandler.Lines()
        var demuxer = FLVDemuxer(logger: log.logger())
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("videocodecid", .number(12))])])
        /// One track of a ManyTracks packet: TrackId, UI24 size, data.
        func track(_ id: UInt8, _ data: [UInt8]) -> [UInt8] { [id, 0, 0, UInt8(data.count)] + data }
        let multitrack: UInt8 = 0x80 | 1 << 4 | 6
        let tags: [[UInt8]] = try [
            // FFmpeg's layout for two video streams: track 0 in plain tags, track 1 in OneTrack packets.
            Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
            [multitrack, 0x00] + Self.hvc1 + [1] + Self.hvcC(lengthSize: 2),  // would replace track 0's hvcC
            Self.exHeader(frameType: 1, packetType: 3) + Self.frame(idr: true, fill: 1),
            [multitrack, 0x03] + Self.hvc1 + [1] + [0, 2, 19 << 1, 1],
            [multitrack, 0x03] + Self.hvc1 + [0] + Self.frame(idr: true, fill: 2),  // OneTrack of track 0
            // ManyTracks, CodedFrames (each track's data opens with its composition time): tracks 2, 0, 1.
            [multitrack, 0x11] + Self.hvc1 + track(2, [0, 0, 0] + Self.frame(idr: true, fill: 3))
                + track(0, [0, 0, 40] + Self.frame(idr: true, fill: 4)) + track(1, [0, 0, 0] + Self.frame(idr: true, fill: 5)),
            // ManyTracksManyCodecs without track 0.
            [multitrack, 0x23] + Array("avc1".utf8) + track(1, [0, 0, 0, 1, 0x65]) + Self.hvc1 + track(3, Self.frame(idr: true, fill: 6)),
        ]
        for (index, tag) in tags.enumerated() { try demuxer.video(timestamp: UInt32(index * 40), payload: tag, into: &events) }
        #expect(Self.tracks(events).count == 1)
        let packets = Self.packets(events)
        #expect(packets.map(\.data) == [1, 2, 4].map { Self.frame(idr: true, fill: $0) })
        #expect(packets.map(\.pts) == [80, 160, 240])
        let warnings = log.all.filter { $0.hasPrefix("warning") && $0.contains("multitrack") }
        #expect(warnings.count == 1 && warnings[0].contains("multitrack video") && warnings[0].contains("track 1"), "\(log.all)")
    }

    @Test("legacy FLV codec id 12: the AVC-style header with an hvcC")
    func codecID12() throws {
        let events = try Self.demux([
            [0x1C, 0, 0, 0, 0] + Self.hvcC(),
            [0x1C, 1, 0, 0, 40] + Self.frame(idr: true),
            [0x2C, 1, 0, 0, 0] + Self.frame(idr: false),
        ])
        guard case .video(.hevc, _, _, _) = Self.tracks(events).first?.first?.format else {
            Issue.record("no HEVC track")
            return
        }
        #expect(Self.packets(events).map(\.pts) == [80, 80])
    }

    @Test("enhanced avc1 is H.264")
    func enhancedAVC() throws {
        let events = try Self.demux([
            Self.exHeader(frameType: 1, packetType: 0, fourCC: Array("avc1".utf8)) + Array(RTMPFixtures.videoSequenceHeader.dropFirst(5)),
            Self.exHeader(frameType: 1, packetType: 3, fourCC: Array("avc1".utf8)) + [0, 0, 0, 1, 0x65],
        ])
        guard case .video(.h264, _, _, _) = Self.tracks(events).first?.first?.format else {
            Issue.record("no H.264 track")
            return
        }
        #expect(Self.packets(events).count == 1)
    }

    @Test(
        "an unknown FourCC or packet type closes the connection with a reason naming it",
        arguments: [
            (EnhancedRTMPVideoTests.exHeader(frameType: 1, packetType: 0, fourCC: Array("av01".utf8)), "av01"),
            (EnhancedRTMPVideoTests.exHeader(frameType: 1, packetType: 0, fourCC: Array("vp09".utf8)), "vp09"),
            ([0x80 | 1 << 4 | 9] + EnhancedRTMPVideoTests.hvc1, "packet type 9"),
            ([0x1D, 0, 0, 0, 0], "codec id 13"),
        ])
    func unknown(tag: [UInt8], named: String) {
        let error = #expect(throws: IngestError.self) { _ = try Self.demux([tag + [1, 2, 3]]) }
        #expect(error?.code == .unsupportedCodec)
        #expect(error?.reason.contains(named) == true, "\(String(describing: error))")
    }

    @Test("a header cut at any byte is an error, never a crash")
    func truncated() throws {
        let tags: [[UInt8]] = [
            Self.exHeader(frameType: 1, packetType: 1) + [0, 0],
            [0x80 | 1 << 4 | 7, 2, 0, 0x01, 0xF4, 0x01] + Self.hvc1 + [0, 0, 0],
            [0x80 | 1 << 4 | 7, 0xFF, 0x01, 0x00] + [UInt8](repeating: 0, count: 257) + [0x03] + Self.hvc1,
            [0x80 | 1 << 4 | 6, 0x01] + Self.hvc1,
            [0x1C, 1, 0, 0],
        ]
        for tag in tags {
            for length in 1..<tag.count {
                #expect(throws: IngestError.self, "\(tag.prefix(length))") {
                    _ = try Self.demux([Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(), Array(tag.prefix(length))])
                }
            }
        }
    }

    @Test("an hvcC that does not parse, or NAL units longer than the tag, close the connection")
    func badPayloads() throws {
        #expect(throws: IngestError.self) { _ = try Self.demux([Self.exHeader(frameType: 1, packetType: 0) + [1, 2, 3]]) }
        #expect(throws: IngestError.self) {
            _ = try Self.demux([
                Self.exHeader(frameType: 1, packetType: 0) + Self.hvcC(),
                Self.exHeader(frameType: 1, packetType: 3) + [0, 0, 0, 9, 19 << 1, 1],
            ])
        }
    }

    /// The properties object of the server's connect `_result` to a connect with `extra` in its command object.
    static func connectResultProperties(_ extra: [(String, AMF0Value)]) throws -> AMF0Value? {
        var session = RTMPServerSession(remoteAddress: "test", handshakeRandom: [UInt8](repeating: 0, count: 1528))
        let connect = RTMPTestClient().command([
            .string("connect"), .number(1), .object([("app", .string("live")), ("tcUrl", .string("rtmp://127.0.0.1/live"))] + extra),
        ])
        var bytes: [UInt8] = []
        for case .send(let chunk) in try session.receive(RTMPTestClient.handshake() + RTMPTestClient.c2 + connect) {
            bytes += chunk
        }
        var decoder = RTMPChunkDecoder()
        let commands = try decoder.receive(bytes.dropFirst(1 + 2 * 1536)).filter { $0.typeID == RTMPMessage.TypeID.commandAMF0 }
        let result = try AMF0.decodeAll(try #require(commands.first).payload)
        #expect(result.first == .string("_result"))
        return result.count > 2 ? result[2] : nil
    }

    @Test("connect with fourCcList or a FourCC info map: the _result names the FourCCs we take in both forms; without them, nothing")
    func connectFourCCList() throws {
        let list: AMF0Value = .strictArray(["hvc1", "avc1", "Opus", "mp4a", ".mp3"].map { .string($0) })
        let videoMap: AMF0Value = .object([("hvc1", .number(4)), ("avc1", .number(4))])
        let audioMap: AMF0Value = .object([("Opus", .number(4)), ("mp4a", .number(4)), (".mp3", .number(4))])
        let requests: [(String, AMF0Value)] = [
            ("fourCcList", .strictArray([.string("av01"), .string("hvc1")])),
            ("audioFourCcInfoMap", .object([("Opus", .number(1))])),
            ("videoFourCcInfoMap", .object([("hvc1", .number(1))])),
        ]
        for request in requests {
            let enhanced = try Self.connectResultProperties([request])
            #expect(enhanced?["fourCcList"] == list, "\(request.0)")
            #expect(enhanced?["videoFourCcInfoMap"] == videoMap, "\(request.0)")
            #expect(enhanced?["audioFourCcInfoMap"] == audioMap, "\(request.0)")
            #expect(enhanced?["fmsVer"] != nil)
        }
        let plain = try Self.connectResultProperties([])
        #expect(plain?["fourCcList"] == nil && plain?["audioFourCcInfoMap"] == nil && plain?["fmsVer"] != nil)
    }
}
