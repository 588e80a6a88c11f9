import Segmenter
import Testing

@testable import Ingest

/// WebSocket frame messages with H.265 video (codec byte 1).
@Suite("WebSocket frame messages with H.265")
struct HEVCFramesTests {
    /// Parameter sets libx265 wrote (Debian's ffmpeg 5.1: `ffmpeg -f lavfi -i
    /// testsrc2=size=320x180:rate=25 -frames:v 20 -c:v libx265 -f hevc clip.hevc`; the VPS, SPS
    /// and PPS NAL units copied out of the file). The SPS's VUI timing is 1 / 25.
    static let vps: [UInt8] = [
        0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3C, 0x95,
        0x98, 0x09,
    ]
    static let sps: [UInt8] = [
        0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3C, 0xA0, 0x0A, 0x08, 0x0B,
        0x9F, 0x79, 0x65, 0x66, 0x92, 0x4C, 0xAF, 0x01, 0x68, 0x08, 0x00, 0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x03, 0x00, 0xC8, 0x40,
    ]
    static let pps: [UInt8] = [0x44, 0x01, 0xC1, 0x72, 0xB4, 0x62, 0x40]
    /// The same encode at `rate=30000/1001` with `-x265-params keyint=30:bframes=0`: another
    /// VPS and SPS (VUI timing 1001 / 30000), the same PPS.
    static let vps2997: [UInt8] = [
        0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3C, 0x92,
        0x80, 0x90,
    ]
    static let sps2997: [UInt8] = [
        0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3C, 0xA0, 0x0A, 0x08, 0x0B,
        0x9F, 0x79, 0x64, 0xA9, 0x24, 0xCA, 0xF0, 0x16, 0x80, 0x80, 0x00, 0x01, 0xF4, 0x80, 0x00, 0x3A, 0x98, 0x04,
    ]
    /// Slice NAL units (two-byte headers, a few bytes of made-up slice data): IDR_W_RADL (19),
    /// CRA (21), TRAIL_R (1).
    static let idr: [UInt8] = [0x26, 0x01, 0xAF, 0x11]
    static let cra: [UInt8] = [0x2A, 0x01, 0xAF, 0x22]
    static let trail: [UInt8] = [0x02, 0x01, 0xD0, 0x33]

    static func annexB(_ units: [[UInt8]]) -> [UInt8] { FramesTests.annexB(units) }
    static func prefixed(_ units: [[UInt8]]) -> [UInt8] {
        units.flatMap { [0, 0, 0, UInt8($0.count)] + $0 }
    }

    static func message(
        keyframe: Bool = false, config: Bool = false, codec: FrameMessage.Codec = .h265, at time: Int64? = 0, _ units: [[UInt8]]
    ) -> [UInt8] {
        FrameMessage(
            kind: .video, codec: codec, isKeyframe: keyframe, isConfig: config, timestamps: time.map { ($0, $0) },
            payload: annexB(units)[...]
        )
        .serialized()
    }

    static func packets(_ events: [MediaEvent]) -> [MediaPacket] {
        events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
    }

    static func trackLists(_ events: [MediaEvent]) -> [[Track]] {
        events.compactMap { if case .tracks(let tracks) = $0 { tracks } else { nil } }
    }

    static func hvcC(_ tracks: [Track]?) -> HEVCDecoderConfigurationRecord? {
        guard case .video(.hevc(let record), _, _, _)? = tracks?.first?.format else { return nil }
        return record
    }

    @Test("the codec byte: video 1 is H.265, round trip; video 2 is refused naming the values; audio 1 is still G.711 μ-law")
    func codecByte() throws {
        let bytes = Self.message(keyframe: true, [Self.idr])
        #expect(bytes[3] == 1)
        let parsed = try FrameMessage(parsing: bytes)
        #expect(parsed.codec == .h265 && parsed.kind == .video)
        #expect(parsed.serialized() == bytes)
        var unknown = bytes
        unknown[3] = 2
        #expect(performing: { try FrameMessage(parsing: unknown) }, throws: { "\($0)".contains("video (0 H.264, 1 H.265)") })
        var audio = FrameMessage(kind: .audio, codec: .g711MuLaw, payload: [0xFF][...]).serialized()
        #expect(audio[3] == 1)
        #expect(try FrameMessage(parsing: audio).codec == .g711MuLaw)
        audio[3] = 3
        #expect(throws: IngestError.self) { _ = try FrameMessage(parsing: audio) }
    }

    @Test("config message, then frames: an hvc1 track from the VPS/SPS/PPS; keyframe = flag and IRAP; samples length-prefixed")
    func configThenFrames() throws {
        var session = FrameIngestSession()
        var events = try session.receive(Self.message(config: true, [Self.vps, Self.sps, Self.pps]), arrivalMicroseconds: 0)
        #expect(events.isEmpty)
        events += try session.receive(Self.message(keyframe: true, at: 0, [Self.idr]), arrivalMicroseconds: 1)
        events += try session.receive(Self.message(keyframe: true, at: 40_000, [Self.trail]), arrivalMicroseconds: 2)  // flag, no IRAP
        events += try session.receive(Self.message(at: 80_000, [Self.cra]), arrivalMicroseconds: 3)  // IRAP, no flag
        events += try session.receive(Self.message(keyframe: true, at: 120_000, [Self.cra]), arrivalMicroseconds: 4)
        events += session.finish()
        let tracks = Self.trackLists(events)
        #expect(tracks.count == 1)
        let record = try #require(Self.hvcC(tracks.first))
        #expect(record.videoParameterSets == [Self.vps] && record.sequenceParameterSets == [Self.sps])
        #expect(record.pictureParameterSets == [Self.pps])
        #expect(tracks.first?.first?.format.codecs == "hvc1.1.6.L60.90")
        guard case .video(_, let width, let height, let timescale)? = tracks.first?.first?.format else {
            Issue.record("a video track")
            return
        }
        #expect(width == 320 && height == 180 && timescale == 90_000)
        let packets = Self.packets(events)
        #expect(packets.map(\.data) == [[Self.idr], [Self.trail], [Self.cra], [Self.cra]].map(Self.prefixed))
        #expect(packets.map(\.isKeyframe) == [true, false, false, true])
        #expect(packets.map(\.dts) == [0, 3600, 7200, 10_800])
    }

    @Test("in-band parameter sets make the track and are taken out of the samples; the same ones again change nothing")
    func inBandParameterSets() throws {
        var session = FrameIngestSession()
        var events: [MediaEvent] = []
        events += try session.receive(
            Self.message(keyframe: true, at: 0, [Self.vps, Self.sps, Self.pps, Self.idr]), arrivalMicroseconds: 0)
        events += try session.receive(Self.message(at: 40_000, [Self.trail]), arrivalMicroseconds: 1)
        events += try session.receive(
            Self.message(keyframe: true, at: 80_000, [Self.vps, Self.sps, Self.pps, Self.idr]), arrivalMicroseconds: 2)
        // A PPS alone that repeats the track's is taken out too.
        events += try session.receive(Self.message(at: 120_000, [Self.pps, Self.trail]), arrivalMicroseconds: 3)
        events += session.finish()
        #expect(Self.trackLists(events).count == 1)
        #expect(Self.hvcC(Self.trackLists(events).first)?.sequenceParameterSets == [Self.sps])
        let packets = Self.packets(events)
        #expect(packets.map(\.data) == [[Self.idr], [Self.trail], [Self.idr], [Self.trail]].map(Self.prefixed))
        #expect(packets.map(\.isKeyframe) == [true, false, true, false])
    }

    @Test("other VPS/SPS/PPS mid-stream: a new track (new init) with the new hvcC; the samples without them")
    func parameterSetChange() throws {
        var session = FrameIngestSession()
        var events: [MediaEvent] = []
        events += try session.receive(
            Self.message(keyframe: true, at: 0, [Self.vps, Self.sps, Self.pps, Self.idr]), arrivalMicroseconds: 0)
        events += session.finish()
        events += try session.receive(Self.message(at: 40_000, [Self.trail]), arrivalMicroseconds: 1)
        events += try session.receive(
            Self.message(keyframe: true, at: 80_000, [Self.vps2997, Self.sps2997, Self.pps, Self.idr]), arrivalMicroseconds: 2)
        events += try session.receive(Self.message(at: 120_000, [Self.trail]), arrivalMicroseconds: 3)
        let tracks = Self.trackLists(events)
        #expect(tracks.count == 2)
        #expect(Self.hvcC(tracks.first)?.sequenceParameterSets == [Self.sps])
        #expect(Self.hvcC(tracks.last)?.sequenceParameterSets == [Self.sps2997])
        #expect(Self.hvcC(tracks.last)?.videoParameterSets == [Self.vps2997])
        // The new tracks come before the first sample that needs them.
        let order = events.map { if case .tracks = $0 { "T" } else { "P" } }.joined()
        #expect(order == "TPPTPP")
        #expect(Self.packets(events).map(\.data) == [[Self.idr], [Self.trail], [Self.idr], [Self.trail]].map(Self.prefixed))
    }

    @Test("a codec change: with its parameter sets a new track, either way; without them the connection closes")
    func codecChange() throws {
        var session = FrameIngestSession()
        var events: [MediaEvent] = []
        events += try session.receive(
            Self.message(keyframe: true, codec: .standard, at: 0, [FramesTests.sps, FramesTests.pps, [0x65, 1]]), arrivalMicroseconds: 0)
        events += session.finish()
        #expect(Self.trackLists(events).last?.first?.format.codecs.hasPrefix("avc1.") == true)
        // H.265 without VPS/SPS/PPS on the H.264 track.
        #expect(
            performing: { try session.receive(Self.message(at: 40_000, [Self.trail]), arrivalMicroseconds: 1) },
            throws: { "\($0)".contains("H.265 (codec 1) video without its parameter sets on an H.264 track") })
        events += try session.receive(
            Self.message(keyframe: true, at: 80_000, [Self.vps, Self.sps, Self.pps, Self.idr]), arrivalMicroseconds: 2)
        #expect(Self.trackLists(events).last?.first?.format.codecs == "hvc1.1.6.L60.90")
        #expect(Self.packets(events).last?.data == Self.prefixed([Self.idr]))
        #expect(
            performing: { try session.receive(Self.message(codec: .standard, at: 120_000, [[0x41, 1]]), arrivalMicroseconds: 3) },
            throws: { "\($0)".contains("H.264 (codec 0) video without its parameter sets on an H.265 track") })
        events += try session.receive(
            Self.message(keyframe: true, codec: .standard, at: 160_000, [FramesTests.sps, FramesTests.pps, [0x65, 1]]),
            arrivalMicroseconds: 4)
        #expect(Self.trackLists(events).count == 3)
        #expect(Self.trackLists(events).last?.first?.format.codecs.hasPrefix("avc1.") == true)
    }

    @Test(
        "bad input: unparseable SPS and incomplete config close the connection; frames before parameter sets and forbidden-bit NAL units are dropped"
    )
    func badInput() throws {
        var session = FrameIngestSession()
        #expect(
            performing: {
                try session.receive(
                    Self.message(keyframe: true, [Self.vps, [0x42, 0x01, 0xFF], Self.pps, Self.idr]), arrivalMicroseconds: 0)
            },
            throws: { "\($0)".contains("H.265 VPS/SPS/PPS do not parse") })
        #expect(
            performing: { try session.receive(Self.message(config: true, [Self.sps, Self.pps]), arrivalMicroseconds: 0) },
            throws: { "\($0)".contains("needs a VPS, an SPS and a PPS") })
        // A keyframe before any parameter sets cannot be decoded: dropped, as for H.264.
        var events = try session.receive(Self.message(keyframe: true, [Self.idr]), arrivalMicroseconds: 0)
        events += session.finish()
        #expect(events.isEmpty)
        // A NAL unit with the forbidden bit set is dropped, the rest of the frame kept.
        events += try session.receive(
            Self.message(keyframe: true, [Self.vps, Self.sps, Self.pps, Self.idr, [0xA6, 0x01, 0xEE], Self.trail]), arrivalMicroseconds: 1)
        events += session.finish()
        #expect(Self.packets(events).map(\.data) == [Self.prefixed([Self.idr, Self.trail])])
    }

    /// Frames without timestamps, two arriving together every `pairInterval` µs, after a
    /// keyframe with `vps`/`sps`: their decode times.
    static func decodeTimesWithoutTimestamps(vps: [UInt8], sps: [UInt8], count: Int, pairInterval: Int64) throws -> [Int64] {
        var session = FrameIngestSession()
        var events: [MediaEvent] = []
        for index in 0..<count {
            let units = index == 0 ? [vps, sps, Self.pps, Self.idr] : [Self.trail]
            events += try session.receive(
                Self.message(keyframe: index == 0, at: nil, units), arrivalMicroseconds: Int64(index / 2) * pairInterval)
        }
        events += session.finish()
        return Self.packets(events).map(\.dts)
    }

    @Test("without timestamps, frames are stamped on the grid of the HEVC SPS's VUI rate (one tick a picture)")
    func steadyGridFromVUI() throws {
        let count = FrameIngestSession.maximumPendingPackets + 2
        let pal = try Self.decodeTimesWithoutTimestamps(vps: Self.vps, sps: Self.sps, count: count, pairInterval: 80_000)
        #expect(pal == (0..<count).map { Int64($0) * 3600 })  // 25 fps
        // 29.97 fps: 3003 ticks of 90 kHz a frame, on the grid though the arrivals round it.
        let ntsc = try Self.decodeTimesWithoutTimestamps(vps: Self.vps2997, sps: Self.sps2997, count: count, pairInterval: 66_733)
        #expect(ntsc == (0..<count).map { Int64($0) * 3003 })
    }

    /// The first slice segment of a picture with `nal_unit_type` `type` and slice_pic_order_cnt_lsb
    /// `lsb` (8 bits, as the fixture SPS says), referring to the fixture PPS: just its header.
    static func slice(type: UInt8, lsb: UInt8) throws -> [UInt8] {
        let pps = try HEVCPPS.parse(Self.pps)
        #expect(pps.numExtraSliceHeaderBits == 0 && !pps.outputFlagPresent)
        var bits = "1"  // first_slice_segment_in_pic_flag
        if HEVCNALUnitType.isIRAP(type) { bits += "0" }  // no_output_of_prior_pics_flag
        bits += "1"  // slice_pic_parameter_set_id ue(0)
        bits += "010"  // slice_type ue(1), P
        if type != 19 && type != 20 {  // IDR pictures have no slice_pic_order_cnt_lsb
            let binary = String(lsb, radix: 2)
            bits += String(repeating: "0", count: 8 - binary.count) + binary
        }
        bits += "1"  // a stop bit, so that the header is not all zeros
        while bits.count % 8 != 0 { bits += "0" }
        let body = stride(from: 0, to: bits.count, by: 8).map { start in
            UInt8(bits.dropFirst(start).prefix(8), radix: 2)!
        }
        return [type << 1, 0x01] + body
    }

    @Test("without timestamps, H.265 B-frames are presented in picture order count order, behind by the reorder depth")
    func bFramesWithoutTimestamps() throws {
        let reorder = Int64(try HEVCSPS.parse(Self.sps).maxNumReorderPics)
        #expect(reorder == 2)
        // Decoding order I0 P4 B2 b1 b3 P8 B6 b5 b7 (picture order counts).
        let orders: [UInt8] = [0, 4, 2, 1, 3, 8, 6, 5, 7]
        var session = FrameIngestSession()
        var events: [MediaEvent] = []
        for (index, order) in orders.enumerated() {
            let units =
                index == 0 ? [Self.vps, Self.sps, Self.pps, try Self.slice(type: 19, lsb: 0)] : [try Self.slice(type: 1, lsb: order)]
            events += try session.receive(Self.message(keyframe: index == 0, at: nil, units), arrivalMicroseconds: Int64(index) * 40_000)
        }
        events += session.finish()
        let packets = Self.packets(events)
        #expect(packets.map(\.dts) == (0..<Int64(orders.count)).map { $0 * 3600 })
        #expect(packets.map(\.pts) == orders.map { (Int64($0) + reorder) * 3600 })
    }

    @Test("every byte sequence is handled without a crash (seeded random and truncated H.265 messages, with and without timestamps)")
    func noCrash() throws {
        var session = FrameIngestSession()
        let valid = [
            Self.message(keyframe: true, [Self.vps, Self.sps, Self.pps, try Self.slice(type: 19, lsb: 0)]),
            Self.message(at: nil, [try Self.slice(type: 1, lsb: 4)]),
        ]
        for message in valid {
            for cut in 0...message.count { _ = try? session.receive(Array(message.prefix(cut)), arrivalMicroseconds: 0) }
        }
        var state: UInt64 = 7
        for index in 0..<2000 {
            var bytes = valid[index % 2]
            for _ in 0..<4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[Int(state >> 33) % bytes.count] = UInt8(truncatingIfNeeded: state >> 13)
            }
            _ = try? session.receive(bytes, arrivalMicroseconds: Int64(index) * 20_000)
        }
    }
}
