import Ingest
import Segmenter
import Synchronization
import Testing

/// The hand-off from a live connection to its packager: batching, order, end, backpressure.
@Suite("Live media queue")
struct LiveMediaQueueTests {
    static let video = Track(
        id: 1,
        format: .video(
            codec: .h264(
                AVCDecoderConfigurationRecord(
                    profileIndication: 66, profileCompatibility: 0xC0, levelIndication: 30,
                    sequenceParameterSets: [[0x67, 0x42, 0xC0, 0x1E]], pictureParameterSets: [[0x68, 0xCE]])),
            width: 320, height: 180, timescale: 90_000))
    static let audio = Track(
        id: 2,
        format: .audio(
            codec: .aac(try! AudioSpecificConfig(objectType: 2, samplingFrequencyIndex: 3, channelConfiguration: 2)),
            sampleRate: 48_000, channels: 2, timescale: 48_000))

    static func packet(_ track: UInt32, _ index: Int64, key: Bool = false, size: Int = 4) -> MediaEvent {
        .packet(
            MediaPacket(trackID: track, dts: index, pts: index, isKeyframe: key, data: [UInt8](repeating: UInt8(index & 0xFF), count: size))
        )
    }

    static func dts(_ items: [LiveMediaQueue.Item]) -> [Int64] {
        items.compactMap { if case .packet(let packet) = $0.event { packet.dts } else { nil } }
    }

    @Test("batched: held until a video keyframe, then handed over in one batch, in order")
    func batchedWaitsForKeyframe() async throws {
        let queue = LiveMediaQueue()
        queue.send(.tracks([Self.video, Self.audio]))
        #expect(await queue.next(wake: .batched)?.count == 1)  // tracks always wake
        for index in 1...5 { queue.send(Self.packet(index % 2 == 0 ? 2 : 1, Int64(index))) }
        // Nothing wake-worthy is queued: the consumer waits; a keyframe brings all six at once.
        async let batch = queue.next(wake: .batched)
        try await Task.sleep(for: .milliseconds(20))
        queue.send(Self.packet(1, 6, key: true))
        #expect(Self.dts(try #require(await batch)) == [1, 2, 3, 4, 5, 6])
    }

    @Test("batched: an audio keyframe does not wake, but the event count limit does")
    func batchedCountLimit() async throws {
        let queue = LiveMediaQueue(limits: .init(wakeAfterEvents: 4))
        queue.send(.tracks([Self.video, Self.audio]))
        _ = await queue.next(wake: .batched)
        for index in 1...3 { queue.send(Self.packet(2, Int64(index), key: true)) }
        async let batch = queue.next(wake: .batched)
        try await Task.sleep(for: .milliseconds(20))
        queue.send(Self.packet(2, 4, key: true))
        #expect(Self.dts(try #require(await batch)) == [1, 2, 3, 4])
    }

    @Test("everyEvent: each packet is handed over as it comes")
    func everyEvent() async throws {
        let queue = LiveMediaQueue()
        queue.send(.tracks([Self.video, Self.audio]))
        _ = await queue.next(wake: .batched)
        queue.send(Self.packet(1, 1))
        #expect(Self.dts(try #require(await queue.next(wake: .everyEvent))) == [1])
        async let batch = queue.next(wake: .everyEvent)
        try await Task.sleep(for: .milliseconds(20))
        queue.send(Self.packet(2, 2))
        #expect(Self.dts(try #require(await batch)) == [2])
    }

    @Test("a stream without video wakes on every packet even when batched")
    func audioOnly() async throws {
        let queue = LiveMediaQueue()
        queue.send(.tracks([Self.audio]))
        _ = await queue.next(wake: .batched)
        queue.send(Self.packet(2, 1, key: true))
        #expect(Self.dts(try #require(await queue.next(wake: .batched))) == [1])
    }

    @Test("the events of one read go in with one send: in order, and a keyframe among them wakes a batched consumer")
    func sendContentsOf() async throws {
        let queue = LiveMediaQueue()
        let start = ContinuousClock.now
        queue.send(contentsOf: [.tracks([Self.video, Self.audio]), Self.packet(2, 1, key: true)], arrival: start)
        let first = try #require(await queue.next(wake: .batched))  // tracks wake
        #expect(first.count == 2 && Self.dts(first) == [1])
        #expect(first.allSatisfy { $0.arrival == start })
        async let batch = queue.next(wake: .batched)
        try await Task.sleep(for: .milliseconds(20))
        queue.send(contentsOf: [Self.packet(2, 2, key: true), Self.packet(1, 3)], arrival: .now)  // nothing wakes
        try await Task.sleep(for: .milliseconds(20))
        queue.send(contentsOf: [Self.packet(2, 4, key: true), Self.packet(1, 5, key: true), Self.packet(2, 6, key: true)], arrival: .now)
        #expect(Self.dts(try #require(await batch)) == [2, 3, 4, 5, 6])
    }

    @Test("a send of several events says stop once they pass the byte limit, and all of them are queued")
    func sendContentsOfOverLimit() async throws {
        let queue = LiveMediaQueue(limits: .init(wakeAfterEvents: 1000, pauseAboveBytes: 1000))
        queue.send(.tracks([Self.video]))
        _ = await queue.next(wake: .batched)
        #expect(!queue.send(contentsOf: (1...3).map { Self.packet(1, Int64($0), size: 400) }, arrival: .now))
        #expect(Self.dts(try #require(await queue.next(wake: .batched))) == [1, 2, 3])
        queue.finish(reason: nil)
        #expect(queue.send(contentsOf: [Self.packet(1, 4)], arrival: .now))  // dropped after finish
        #expect(await queue.next(wake: .batched) == nil)
    }

    @Test("finish hands over what is queued, then the end with its reason; later sends are dropped")
    func finishDrains() async throws {
        let queue = LiveMediaQueue()
        queue.send(.tracks([Self.video]))
        queue.send(Self.packet(1, 1))
        queue.finish(reason: "bad chunk")
        #expect(queue.send(Self.packet(1, 2)))
        #expect(Self.dts(try #require(await queue.next(wake: .batched))) == [1])
        #expect(await queue.next(wake: .batched) == nil)
        #expect(queue.endReason == "bad chunk")
    }

    @Test("finish wakes a waiting consumer")
    func finishWakesConsumer() async throws {
        let queue = LiveMediaQueue()
        queue.send(.tracks([Self.video]))
        _ = await queue.next(wake: .batched)
        queue.send(Self.packet(1, 1))
        async let batch = queue.next(wake: .batched)
        try await Task.sleep(for: .milliseconds(20))
        queue.finish(reason: nil)
        #expect(Self.dts(try #require(await batch)) == [1])
        #expect(await queue.next(wake: .batched) == nil)
    }

    @Test("over the byte limit send says stop; whenRoom fires once the consumer has taken the queue")
    func backpressure() async throws {
        let queue = LiveMediaQueue(limits: .init(wakeAfterEvents: 1000, pauseAboveBytes: 1000))
        queue.send(.tracks([Self.video]))
        _ = await queue.next(wake: .batched)
        #expect(queue.send(Self.packet(1, 1, size: 400)))
        #expect(queue.send(Self.packet(1, 2, size: 400)))
        #expect(!queue.send(Self.packet(1, 3, size: 400)))  // 1200 queued
        let called = Mutex(0)
        queue.whenRoom { called.withLock { $0 += 1 } }
        #expect(called.withLock { $0 } == 0)
        // Half the limit queued wakes even a batched consumer, so a long GOP cannot deadlock.
        #expect(Self.dts(try #require(await queue.next(wake: .batched))) == [1, 2, 3])
        #expect(called.withLock { $0 } == 1)
        queue.whenRoom { called.withLock { $0 += 1 } }  // room now: at once
        #expect(called.withLock { $0 } == 2)
    }

    @Test("finish releases producers waiting for room")
    func finishReleasesProducers() async {
        let queue = LiveMediaQueue(limits: .init(pauseAboveBytes: 10))
        queue.send(.tracks([Self.video]))
        #expect(!queue.send(Self.packet(1, 1, size: 20)))
        let called = Mutex(false)
        queue.whenRoom { called.withLock { $0 = true } }
        queue.finish(reason: nil)
        #expect(called.withLock { $0 })
    }
}
