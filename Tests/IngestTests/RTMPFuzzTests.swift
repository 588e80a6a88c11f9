import Testing

@testable import Ingest

@Suite("RTMP session fuzz")
struct RTMPFuzzTests {
    @Test("4 000 seeded mutations of a valid publish, fed in random splits: errors only, never a crash")
    func mutations() {
        let client = RTMPTestClient()
        var seed = RTMPTestClient.handshake() + RTMPTestClient.c2 + client.publishCommands()
        seed += client.media(9, timestamp: 0, RTMPFixtures.videoSequenceHeader)
        seed += client.media(8, timestamp: 0, RTMPFixtures.audioSequenceHeader)
        for frame in 0..<5 {
            seed += client.media(
                9, timestamp: UInt32(frame * 40), RTMPFixtures.videoFrame(keyframe: frame == 0, nal: [frame == 0 ? 0x65 : 0x41, 1, 2]))
        }
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
        var outcomes = (errors: 0, clean: 0)
        for _ in 0..<4_000 {
            var bytes = seed
            for _ in 0..<(1 + next(6)) { bytes[3073 + next(bytes.count - 3073)] = UInt8(next(256)) }
            if next(4) == 0 { bytes = Array(bytes.prefix(next(bytes.count))) }
            var session = RTMPServerSession(remoteAddress: "fuzz")
            var index = 0
            do {
                while index < bytes.count {
                    let end = min(bytes.count, index + 1 + next(700))
                    for output in try session.receive(bytes[index..<end]) {
                        if case .publishRequested(let request) = output { _ = try session.acceptPublish(streamName: request.streamName) }
                    }
                    index = end
                }
                outcomes.clean += 1
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.errors > 0 && outcomes.clean > 0)
    }
}
