import Segmenter
import Testing

@testable import Ingest

@Suite("WebSocket frame messages")
struct FramesTests {
    static let sps: [UInt8] = [
        0x67, 0x64, 0x00, 0x0B, 0xAC, 0xD9, 0x42, 0x84, 0x7E, 0x5C, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0C, 0x83, 0xC5,
        0x0A, 0x65, 0x80,
    ]
    static let pps: [UInt8] = [0x68, 0xEF, 0x8F, 0xCB]
    static func annexB(_ units: [[UInt8]]) -> [UInt8] { units.flatMap { [0, 0, 0, 1] + $0 } }
    /// One ADTS frame: AAC-LC, 48 kHz, mono, 2 payload bytes.
    static let adts: [UInt8] = [0xFF, 0xF1, 0x4C, 0x40, 0x01, 0x3F, 0xFC, 0x21, 0x10]

    @Test("golden header: value → bytes → value")
    func golden() throws {
        let message = FrameMessage(
            kind: .video, isKeyframe: true, isConfig: false, timestamps: (pts: 80_000, dts: -1), payload: [0xAA][...])
        let bytes: [UInt8] = [1, 0, 0x05, 0, 0, 0, 0, 0, 0, 1, 0x38, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xAA]
        #expect(message.serialized() == bytes)
        #expect(try FrameMessage(parsing: bytes) == message)
    }

    @Test("short, unknown version, unknown track and reserved bits are refused")
    func bad() {
        for bytes: [UInt8] in [
            [1, 0, 0], [2] + [UInt8](repeating: 0, count: 19), [1, 7] + [UInt8](repeating: 0, count: 18),
            [1, 0, 0x08] + [UInt8](repeating: 0, count: 17),
        ] {
            #expect(throws: IngestError.self) { _ = try FrameMessage(parsing: bytes) }
        }
    }

    @Test("a message of the maximum length (8 MiB, docs/ingest.md) parses; one byte more is refused naming the limit")
    func maximumLength() throws {
        let header = FrameMessage(kind: .audio, payload: [][...]).serialized()
        let largest = header + [UInt8](repeating: 0, count: FrameMessage.maximumMessageLength - header.count)
        #expect(FrameMessage.maximumMessageLength == 8 << 20)
        #expect(try FrameMessage(parsing: largest).payload.count == FrameMessage.maximumMessageLength - FrameMessage.headerLength)
        #expect(
            performing: { try FrameMessage(parsing: largest + [0]) }, throws: { "\($0)".contains("\(FrameMessage.maximumMessageLength)") })
    }

    @Test("config, then video and audio with timestamps: tracks first, then packets in 90 kHz / samples")
    func session() throws {
        var session = FrameIngestSession()
        var events = try session.receive(
            FrameMessage(kind: .video, isConfig: true, timestamps: (0, 0), payload: Self.annexB([Self.sps, Self.pps])[...]).serialized(),
            arrivalMicroseconds: 0)
        #expect(events.isEmpty)
        events += try session.receive(
            FrameMessage(kind: .video, isKeyframe: true, timestamps: (80_000, 0), payload: Self.annexB([[0x65, 1, 2]])[...]).serialized(),
            arrivalMicroseconds: 5)
        #expect(events.isEmpty)
        events += try session.receive(
            FrameMessage(kind: .audio, isKeyframe: true, timestamps: (0, 0), payload: (Self.adts + Self.adts)[...]).serialized(),
            arrivalMicroseconds: 9)
        guard case .tracks(let tracks) = events.first else {
            Issue.record("tracks first")
            return
        }
        #expect(tracks.map(\.id) == [1, 2])
        let packets = events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
        #expect(packets.count == 3)
        #expect(packets[0] == MediaPacket(trackID: 1, dts: 0, pts: 7200, isKeyframe: true, data: [0, 0, 0, 3, 0x65, 1, 2]))
        #expect(packets[1].dts == 0 && packets[2].dts == 1024 && packets[2].data == [0x21, 0x10])
    }

    @Test("garbage in a video frame (a NAL unit with the forbidden bit set) is dropped, the frame kept")
    func forbiddenBitUnitDropped() throws {
        var session = FrameIngestSession()
        var events = try session.receive(
            FrameMessage(kind: .video, isConfig: true, timestamps: (0, 0), payload: Self.annexB([Self.sps, Self.pps])[...]).serialized(),
            arrivalMicroseconds: 0)
        let frame = Self.annexB([[0x65, 1, 2], [0xE5, 0xEE, 0xEE]]) + [0, 0, 1, 0x41, 7]
        events += try session.receive(
            FrameMessage(kind: .video, isKeyframe: true, timestamps: (0, 0), payload: frame[...]).serialized(), arrivalMicroseconds: 5)
        events += session.finish()
        let packets = events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
        #expect(packets.map(\.data) == [[0, 0, 0, 3, 0x65, 1, 2, 0, 0, 0, 2, 0x41, 7]])
    }

    /// Video frames without timestamps arriving two at a time, 80 ms apart (`arrivalMicroseconds`
    /// of frame n: n / 2 × 80 ms, so pairs tie): their decode times.
    static func videoWithoutTimestamps(_ session: inout FrameIngestSession, sps: [UInt8], count: Int) throws -> [Int64] {
        var events: [MediaEvent] = []
        for index in 0..<count {
            let payload = index == 0 ? Self.annexB([sps, Self.pps, [0x65, 1]]) : Self.annexB([[0x41, 1]])
            events += try session.receive(
                FrameMessage(kind: .video, isKeyframe: index == 0, payload: payload[...]).serialized(),
                arrivalMicroseconds: Int64(index / 2) * 80_000)
        }
        events += session.finish()
        return events.compactMap { if case .packet(let packet) = $0 { packet.dts } else { nil } }
    }

    @Test("without timestamps video is stamped on the grid of the SPS's VUI rate, whatever the arrival times")
    func steadyGridFromVUI() throws {
        let timing = try #require(try H264SPS.parse(Self.sps).timing)
        #expect(FrameRate(timing: timing) == FrameRate(framesPerSecond: 25))
        var session = FrameIngestSession()
        let dts = try Self.videoWithoutTimestamps(&session, sps: Self.sps, count: FrameIngestSession.maximumPendingPackets + 2)
        #expect(dts == (0..<dts.count).map { Int64($0) * 3600 })
    }

    /// The SPS of Cisco's OpenH264 encoder (through GStreamer's openh264enc), which writes no VUI timing.
    static let spsWithoutTiming: [UInt8] = [0x67, 0x42, 0xC0, 0x15, 0x8C, 0x8D, 0x40, 0xA0, 0xF9, 0x00, 0xF0, 0x88, 0x46, 0xA0]

    @Test("without timestamps or VUI timing the rate is estimated from the arrival intervals (bursts averaged out)")
    func steadyGridFromArrivals() throws {
        #expect(try H264SPS.parse(Self.spsWithoutTiming).timing == nil)
        var session = FrameIngestSession()
        let dts = try Self.videoWithoutTimestamps(&session, sps: Self.spsWithoutTiming, count: 200)
        #expect(dts.count == 200)
        #expect(zip(dts, dts.dropFirst()).allSatisfy { $0 < $1 })
        // Two frames per 80 ms is 25 fps: 3600 ticks apart once the estimate has settled.
        let steps = zip(dts, dts.dropFirst()).map { $1 - $0 }
        #expect(steps.suffix(100).allSatisfy { $0 == 3600 }, "\(steps)")
    }

    /// Video frames without timestamps at `arrivals` (µs) with `Self.sps` (VUI 25 fps): their decode times.
    static func videoWithoutTimestamps(_ session: inout FrameIngestSession, arrivals: [Int64]) throws -> [Int64] {
        var events: [MediaEvent] = []
        for (index, arrival) in arrivals.enumerated() {
            let payload = index == 0 ? Self.annexB([Self.sps, Self.pps, [0x65, 1]]) : Self.annexB([[0x41, 1]])
            events += try session.receive(
                FrameMessage(kind: .video, isKeyframe: index == 0, payload: payload[...]).serialized(), arrivalMicroseconds: arrival)
        }
        events += session.finish()
        return events.compactMap { if case .packet(let packet) = $0 { packet.dts } else { nil } }
    }

    @Test(
        "frames at half or twice the VUI rate: once the grid is a second off the arrivals, the estimate takes over",
        arguments: [(80_000, 7200), (20_000, 1800)] as [(Int64, Int64)])
    func vuiContradictedByArrivals(interval: Int64, step: Int64) throws {
        var session = FrameIngestSession()
        let arrivals = (0..<300).map { Int64($0) * interval }
        let dts = try Self.videoWithoutTimestamps(&session, arrivals: arrivals)
        let steps = zip(dts, dts.dropFirst()).map { $1 - $0 }
        #expect(dts.count == 300)
        #expect(steps.prefix(10).allSatisfy { $0 == 3600 }, "the VUI rate first: \(steps)")
        #expect(steps.suffix(200).allSatisfy { $0 == step }, "\(steps)")
        // Never further from the arrivals than the second it takes to notice (and a frame).
        #expect(zip(dts, arrivals).allSatisfy { abs($0 - FrameIngestSession.ticks($1, 90_000)) <= 90_000 + 3600 })
    }

    @Test("frames at the VUI rate with a 3 s pause: the grid re-anchors, the VUI rate stays")
    func vuiKeptThroughPause() throws {
        var session = FrameIngestSession()
        let arrivals = (0..<100).map { Int64($0) * 40_000 } + (0..<100).map { 7_000_000 + Int64($0) * 40_000 }
        let dts = try Self.videoWithoutTimestamps(&session, arrivals: arrivals)
        let steps = zip(dts, dts.dropFirst()).map { $1 - $0 }
        #expect(dts[100] == 7_000_000 * 9 / 100)
        #expect(steps.enumerated().allSatisfy { $0.offset == 99 || $0.element == 3600 }, "\(steps)")
    }

    @Test("frames at the VUI rate whose reader stalls for 1.2 s and then reads them all at once: back on the VUI rate")
    func vuiKeptThroughBurst() throws {
        var session = FrameIngestSession()
        // 25 fps sent; frames 25…54 (sent over 1.2 s) read together at 2.2 s, the rest as sent.
        let arrivals = (0..<250).map { index -> Int64 in (25..<55).contains(index) ? 2_200_000 : Int64(index) * 40_000 }
        let dts = try Self.videoWithoutTimestamps(&session, arrivals: arrivals)
        let steps = zip(dts, dts.dropFirst()).map { $1 - $0 }
        #expect(steps.suffix(100).allSatisfy { $0 == 3600 }, "\(steps)")
        #expect(abs(dts.last! - FrameIngestSession.ticks(arrivals.last!, 90_000)) <= 90_000 + 3600, "\(steps)")
    }

    @Test("a rate given to the session wins over the VUI timing")
    func explicitRateWins() throws {
        var session = FrameIngestSession(frameRate: FrameRate(framesPerSecond: 30)!)
        let dts = try Self.videoWithoutTimestamps(&session, sps: Self.sps, count: 10)
        #expect(dts == (0..<10).map { Int64($0) * 3000 })
    }

    @Test("every byte sequence is handled without a crash (seeded random and truncated messages)")
    func noCrash() {
        var session = FrameIngestSession()
        let valid = FrameMessage(
            kind: .video, isKeyframe: true, isConfig: false, timestamps: (0, 0),
            payload: Self.annexB([Self.sps, Self.pps, [0x65, 1]])[...]
        ).serialized()
        for cut in 0...valid.count { _ = try? session.receive(Array(valid.prefix(cut)), arrivalMicroseconds: 0) }
        var state: UInt64 = 5
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[Int(state >> 33) % bytes.count] = UInt8(truncatingIfNeeded: state >> 13)
            }
            _ = try? session.receive(bytes, arrivalMicroseconds: 0)
        }
    }
}
