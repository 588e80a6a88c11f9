import Testing

@testable import Segmenter

/// Test streams: video at `fps` in a 90 kHz timescale, AAC frames of 1024 samples at 48 kHz.
private enum Stream {
    static let avcC = AVCDecoderConfigurationRecord(
        profileIndication: 66, profileCompatibility: 0xc0, levelIndication: 30,
        sequenceParameterSets: [[0x67, 0x42, 0xc0, 0x1e]], pictureParameterSets: [[0x68, 0xce, 0x3c, 0x80]])
    static let asc = AudioSpecificConfig(
        bytes: [0x11, 0x90], objectType: 2, samplingFrequencyIndex: 3, sampleRate: 48000, channelConfiguration: 2)
    static let video = Track(id: 1, format: .video(codec: .h264(avcC), width: 640, height: 360, timescale: 90000))
    static let audio = Track(id: 2, format: .audio(codec: .aac(asc), sampleRate: 48000, channels: 2, timescale: 48000))

    /// Video packets in decode order; `keyframes` are frame indices; `reorder` frames of delay
    /// make pts − dts = reorder × frame duration on keyframes (a constant B-frame delay).
    static func videoPackets(
        frames: Int, fps: Int = 30, keyframes: Set<Int>, reorder: Int64 = 0, startTicks: Int64 = 0
    ) -> [MediaPacket] {
        let step = Int64(90000 / fps)
        return (0..<frames).map { index in
            let dts = startTicks + Int64(index) * step
            return MediaPacket(
                trackID: 1, dts: dts, pts: dts + reorder * step, isKeyframe: keyframes.contains(index),
                data: [UInt8(truncatingIfNeeded: index)])
        }
    }

    static func audioPackets(count: Int, startTicks: Int64 = 0) -> [MediaPacket] {
        (0..<count).map { index in
            let dts = startTicks + Int64(index) * 1024
            return MediaPacket(trackID: 2, dts: dts, pts: dts, duration: 1024, isKeyframe: true, data: [0xA0])
        }
    }

    /// Packets of all tracks interleaved by decode time, as a demuxer delivers them.
    static func interleave(_ packets: [MediaPacket], timescales: [UInt32: Double] = [1: 90000, 2: 48000]) -> [MediaPacket] {
        packets.enumerated().sorted { lhs, rhs in
            let left = Double(lhs.element.dts) / timescales[lhs.element.trackID]!
            let right = Double(rhs.element.dts) / timescales[rhs.element.trackID]!
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
    }

    static func run(_ tracks: [Track], _ packets: [MediaPacket], hlsTime: Double = 2) throws -> (Splitter, [Segment]) {
        var splitter = Splitter(tracks: tracks, configuration: .init(targetDuration: hlsTime))
        var segments: [Segment] = []
        for packet in packets { segments += try splitter.push(packet) }
        segments += try splitter.finish()
        return (splitter, segments)
    }
}

@Suite("Splitter: keyframe-aware cutting on FFmpeg's grid")
struct SplitterTests {
    @Test func regularGOPsGiveSegmentsOfHLSTime() throws {
        let packets = Stream.videoPackets(frames: 300, keyframes: Set(stride(from: 0, to: 300, by: 60)))
        let (_, segments) = try Stream.run([Stream.video], packets)
        #expect(segments.map(\.duration) == [2, 2, 2, 2, 2])
        #expect(segments.map(\.startTime) == [0, 2, 4, 6, 8])
        #expect(segments.allSatisfy { $0.isIndependent && $0.tracks[0].samples[0].isSync })
        // tfdt continues exactly: each base is the sum of the earlier durations.
        #expect(segments.map { $0.tracks[0].baseMediaDecodeTime } == [0, 180000, 360000, 540000, 720000])
        #expect(segments.flatMap { $0.tracks[0].samples }.count == 300)
    }

    @Test func cutsFollowTheGridNotTheLastCut() throws {
        // Keyframes at 0, 2.5, 3, 4.2 and 6 s: segment 1 ends at 2.5 (≥ 2), segment 2 at 4.2
        // (the first keyframe ≥ 4; 3 s is too early), segment 3 at 6.
        let keyframes: Set<Int> = [0, 75, 90, 126, 180]
        let packets = Stream.videoPackets(frames: 240, keyframes: keyframes)
        let (_, segments) = try Stream.run([Stream.video], packets)
        let durations = segments.map { ($0.duration * 1000).rounded() / 1000 }
        #expect(durations == [2.5, 1.7, 1.8, 2])
    }

    @Test func longGOPsMakeLongSegmentsAndNeverCutBetweenKeyframes() throws {
        let packets = Stream.videoPackets(frames: 450, keyframes: [0, 150, 300])
        let (_, segments) = try Stream.run([Stream.video], packets)
        #expect(segments.map(\.duration) == [5, 5, 5])
        #expect(segments.allSatisfy { $0.isIndependent })
    }

    @Test func framesBeforeTheFirstKeyframeAreDroppedAndCounted() throws {
        let packets = Stream.videoPackets(frames: 100, keyframes: [10, 70])
        let (splitter, segments) = try Stream.run([Stream.video], packets)
        #expect(splitter.droppedLeadingFrames == 10)
        #expect(segments.flatMap { $0.tracks[0].samples }.count == 90)
        #expect(segments[0].tracks[0].samples[0].isSync)
    }

    @Test func bFramesKeepTheirSourceCompositionOffsets() throws {
        // Decode order I P B B: the keyframe presents 2 frames after it decodes. Offsets stay
        // pts − dts (never negative), the decode timeline starts at the origin.
        var packets = Stream.videoPackets(frames: 4, keyframes: [0], reorder: 2)
        packets[1].pts = packets[1].dts + 3 * 3000  // P
        packets[2].pts = packets[2].dts + 0  // B
        packets[3].pts = packets[3].dts + 0  // B
        let (splitter, segments) = try Stream.run([Stream.video], packets)
        let offsets = segments[0].tracks[0].samples.map(\.compositionOffset)
        #expect(offsets == [6000, 9000, 0, 0])
        #expect(segments[0].tracks[0].baseMediaDecodeTime == 0)
        // Segment times count from the first presentation (6000 ticks), and the stream lasts
        // until the latest presentation end (the P-frame: 12000 + 3000).
        #expect(splitter.start == 6000.0 / 90000)
        #expect(abs(segments[0].duration - 9000.0 / 90000) < 1e-12)
    }

    @Test func audioBeforeTheVideoSetsTheOriginAndAudioSplitsAtTheKeyframeDecodeTime() throws {
        // Audio starts at 0 (AAC priming); video decodes from 0.1 s but presents from 0.2 s.
        let video = Stream.videoPackets(frames: 180, keyframes: [0, 60, 120], reorder: 3, startTicks: 9000)
        let audio = Stream.audioPackets(count: 290)
        let (splitter, segments) = try Stream.run([Stream.video, Stream.audio], Stream.interleave(video + audio))
        #expect(splitter.start == 0)
        #expect(segments[0].tracks.map(\.baseMediaDecodeTime) == [9000, 0])
        // The keyframe decodes at 2.1 s and presents at 2.2 s: audio splits at 2.1 s, the
        // segment ends at 2.2 s in the playlist.
        let firstAudio = segments[0].tracks[1].samples.count
        #expect(Double(firstAudio - 1) * 1024 / 48000 < 2.1)
        #expect(Double(firstAudio) * 1024 / 48000 >= 2.1)
        #expect(segments[0].tracks[0].samples.count == 60)
        #expect(segments.map(\.startTime) == [0, 2.2, 4.2])
    }

    @Test func audioFollowsTheVideoCutAndSharesTheOrigin() throws {
        // Audio starts at 0, video at 0.1 s: the origin is 0, video's first tfdt is 0.1 s.
        let video = Stream.videoPackets(frames: 180, keyframes: [0, 60, 120], startTicks: 9000)
        let audio = Stream.audioPackets(count: 290)
        let (_, segments) = try Stream.run([Stream.video, Stream.audio], Stream.interleave(video + audio))
        #expect(segments.count == 3)
        #expect(segments[0].tracks.map(\.baseMediaDecodeTime) == [9000, 0])
        // Every audio frame that starts before the cut (2.1 s) is in the first segment.
        let firstAudio = segments[0].tracks[1].samples.count
        #expect(Double(firstAudio - 1) * 1024 / 48000 < 2.1)
        #expect(Double(firstAudio) * 1024 / 48000 >= 2.1)
        // Audio timeline continues across segments, nothing lost.
        #expect(segments[1].tracks[1].baseMediaDecodeTime == UInt64(firstAudio * 1024))
        #expect(segments.reduce(0) { $0 + $1.tracks[1].samples.count } == 290)
        #expect(segments.map(\.startTime) == [0, 2.1, 4.1])
        // The last segment ends with the longest track: audio, 290 × 1024 / 48000 s.
        let end = segments.last!.startTime + segments.last!.duration
        #expect(abs(end - 290.0 * 1024 / 48000) < 1e-9)
    }

    @Test func aSegmentWaitsForAudioUpToTheCut() throws {
        var splitter = Splitter(tracks: [Stream.video, Stream.audio])
        var emitted: [Segment] = []
        for packet in Stream.videoPackets(frames: 61, keyframes: [0, 60]) where packet.dts < 90000 * 2 {
            emitted += try splitter.push(packet)
        }
        emitted += try splitter.push(Stream.videoPackets(frames: 61, keyframes: [0, 60])[60])
        #expect(emitted.isEmpty, "no audio has reached the cut yet")
        for packet in Stream.audioPackets(count: 95) { emitted += try splitter.push(packet) }
        #expect(emitted.count == 1)
        #expect(emitted[0].tracks.map(\.trackID) == [1, 2])
    }

    @Test func aSilentTrackDoesNotStallTheStream() throws {
        // An audio track that never delivers: segments still come, `maxInterleaveDelay` late.
        let packets = Stream.videoPackets(frames: 300, keyframes: Set(stride(from: 0, to: 300, by: 60)))
        var splitter = Splitter(tracks: [Stream.video, Stream.audio])
        var counts: [Int] = []
        for packet in packets { counts.append(try splitter.push(packet).count) }
        #expect(counts.reduce(0, +) >= 3)
    }

    @Test func audioOnlyCutsOnTime() throws {
        let (_, segments) = try Stream.run([Stream.audio], Stream.audioPackets(count: 465))
        // 1024/48000 s frames: the first frame at or after 2 s is frame 94 (2.00533 s).
        #expect(segments.count == 5)
        #expect(segments[0].tracks[0].samples.count == 94)
        #expect(segments.allSatisfy { $0.isIndependent })
        let total = segments.reduce(0) { $0 + $1.duration }
        #expect(abs(total - 465.0 * 1024 / 48000) < 1e-9)
    }

    @Test func decodeTimeGoingBackwardsIsAnError() throws {
        var splitter = Splitter(tracks: [Stream.video])
        _ = try splitter.push(MediaPacket(trackID: 1, dts: 3000, pts: 3000, isKeyframe: true, data: [1]))
        _ = try splitter.push(MediaPacket(trackID: 1, dts: 6000, pts: 6000, isKeyframe: false, data: [2]))
        #expect(throws: SegmenterError.self) {
            _ = try splitter.push(MediaPacket(trackID: 1, dts: 0, pts: 0, isKeyframe: false, data: [3]))
        }
    }

    @Test func unknownTrackIsAnError() {
        var splitter = Splitter(tracks: [Stream.video])
        #expect(throws: SegmenterError.self) {
            _ = try splitter.push(MediaPacket(trackID: 9, dts: 0, pts: 0, isKeyframe: true, data: []))
        }
    }

    @Test func lastSampleUsesItsOwnDurationElseThePrevious() throws {
        let packets = Stream.videoPackets(frames: 3, keyframes: [0])
        let (_, segments) = try Stream.run([Stream.video], packets)
        #expect(segments[0].tracks[0].samples.map(\.duration) == [3000, 3000, 3000])
        #expect(segments[0].duration == 0.1)
    }
}

@Suite("SegmentGrid planning")
struct SegmentGridTests {
    @Test func planMatchesTheSplitter() {
        let grid = SegmentGrid(targetDuration: 2)
        #expect(grid.plannedDurations(keyframeTimes: [0, 2.5, 3, 4.2, 6], endTime: 8) == [2.5, 1.7000000000000002, 1.7999999999999998, 2])
        #expect(grid.plannedDurations(keyframeTimes: [0, 2, 4, 10, 12], endTime: 13) == [2, 2, 6, 2, 1])
        #expect(grid.plannedDurations(keyframeTimes: [], endTime: 3) == [3])
    }

    @Test func aSplitterContinuingAnotherKeepsItsDecodeTimeOrigin() throws {
        // The first splitter's origin is 1 s (its first packet); the second takes over at 3 s.
        let first = Stream.videoPackets(frames: 60, keyframes: [0], startTicks: 90000)
        var earlier = Splitter(tracks: [Stream.video])
        for packet in first { _ = try earlier.push(packet) }
        _ = try earlier.finish()
        let later = Stream.videoPackets(frames: 30, keyframes: [0], startTicks: 270_000)
        var continuing = Splitter(tracks: [Stream.video], continuing: earlier)
        var segments: [Segment] = []
        for packet in later { segments += try continuing.push(packet) }
        segments += try continuing.finish()
        #expect(segments.map { $0.tracks[0].baseMediaDecodeTime } == [180_000])

        // Timestamps that restarted below that origin get their own: tfdt never goes negative.
        let restarted = Stream.videoPackets(frames: 30, keyframes: [0], startTicks: 0)
        var afterRestart = Splitter(tracks: [Stream.video], continuing: earlier)
        segments = []
        for packet in restarted { segments += try afterRestart.push(packet) }
        segments += try afterRestart.finish()
        #expect(segments.map { $0.tracks[0].baseMediaDecodeTime } == [0])
    }
}
