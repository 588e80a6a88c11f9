import Foundation
import Segmenter
import TestSupport
import Testing

@testable import Ingest

@Suite("G.711 → AAC-LC transcoder", .timeLimit(.minutes(2)))
struct G711TranscoderTests {
    @Test("the decoding tables equal ffmpeg's pcm_mulaw and pcm_alaw decoders for all 256 codes", arguments: [G711Law.muLaw, .aLaw])
    func tables(law: G711Law) throws {
        let directory = try TestScratch.directory("g711-tables-\(law == .muLaw ? "u" : "a")").path
        let codes = "\(directory)/all-codes-\(law == .muLaw ? "u" : "a").raw"
        let decoded = codes + ".s16"
        try Data((0...255).map { UInt8($0) }).write(to: URL(fileURLWithPath: codes))
        try Fixtures.run(
            Fixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", law == .muLaw ? "mulaw" : "alaw", "-ar", "8000", "-ac", "1", "-i", codes,
                "-f", "s16le", decoded,
            ])
        let data = try Data(contentsOf: URL(fileURLWithPath: decoded))
        let reference = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        #expect(reference.count == 256)
        #expect((0...255).map { law.linear(UInt8($0)) } == reference)
    }

    @Test(
        "a 1 kHz tone survives the round trip: ffmpeg decodes the AAC with no error, same frequency and level",
        arguments: [
            G711Law.muLaw, .aLaw,
        ])
    func roundTrip(law: G711Law) throws {
        let codes = try G711Audio.tone(law, frequency: 1000, seconds: 2)
        let transcoder = try G711AACTranscoder(law: law)
        #expect(transcoder.audioSpecificConfig.objectType == 2)  // AAC-LC
        #expect(transcoder.audioSpecificConfig.sampleRate == 8000)
        #expect(transcoder.format.codecs == "mp4a.40.2")
        var packets: [MediaPacket] = []
        for start in stride(from: 0, to: codes.count, by: 160) {  // 20 ms frames, as cameras send
            try transcoder.transcode(Array(codes[start..<min(start + 160, codes.count)]), pts: Int64(start), trackID: 2, into: &packets)
        }
        try transcoder.finish(trackID: 2, into: &packets)
        let (samples, errors) = try G711Audio.decode(packets, config: transcoder.audioSpecificConfig)
        #expect(errors.isEmpty, "ffmpeg: \(errors)")
        #expect(samples.count >= codes.count)
        let middle = samples[4000..<12000]
        let source = codes[4000..<12000].map { law.linear($0) }
        let frequency = G711Audio.frequency(middle, sampleRate: 8000)
        #expect(abs(frequency - 1000) < 5, "decoded tone at \(frequency) Hz")
        let level = G711Audio.rms(middle)
        let sourceLevel = G711Audio.rms(source[...])
        #expect(abs(level / sourceLevel - 1) < 0.1, "level \(level) against the source's \(sourceLevel)")
    }

    @Test("the first sample stays at the first input's time: a tone starting 0.5 s in is decoded 0.5 s in (priming dropped)")
    func alignment() throws {
        let codes = try G711Audio.tone(.muLaw, frequency: 440, seconds: 1, silence: 0.5)
        let transcoder = try G711AACTranscoder(law: .muLaw)
        var packets: [MediaPacket] = []
        for start in stride(from: 0, to: codes.count, by: 320) {
            try transcoder.transcode(
                Array(codes[start..<min(start + 320, codes.count)]), pts: 80_000 + Int64(start), trackID: 2, into: &packets)
        }
        try transcoder.finish(trackID: 2, into: &packets)
        #expect(packets.first?.pts == 80_000)
        let (samples, _) = try G711Audio.decode(packets, config: transcoder.audioSpecificConfig)
        let sourceOnset = G711Audio.onset(codes.map { G711Law.muLaw.linear($0) }, level: 0.5)
        let decodedOnset = G711Audio.onset(samples, level: 0.5)
        let offset = (decodedOnset ?? 0) - (sourceOnset ?? 0)
        #expect(sourceOnset != nil && decodedOnset != nil)
        #expect(abs(offset) <= 80, "the decoded tone starts \(offset) samples from the source's (10 ms = 80)")
    }

    @Test("timestamps are counted samples: millisecond-rounded input times give packets exactly 1024 apart")
    func countedTimestamps() throws {
        let transcoder = try G711AACTranscoder(law: .aLaw)
        var packets: [MediaPacket] = []
        let frame = [UInt8](repeating: 0xD5, count: 160)
        for index in 0..<500 {
            // 20 ms frames stamped in whole milliseconds with ±1 ms jitter, as RTMP gives them
            let milliseconds = Int64(index * 20 + [0, 1, -1][index % 3])
            try transcoder.transcode(frame, pts: 1000 + milliseconds * 8, trackID: 2, into: &packets)
        }
        #expect(packets.count > 70)
        for (index, packet) in packets.enumerated() {
            #expect(packet.pts == 1000 + Int64(index) * 1024 && packet.dts == packet.pts && packet.duration == 1024 && packet.isKeyframe)
        }
    }

    @Test("a pause in the input restarts the count at the new time; packets never overlap, even when the input jumps back")
    func gaps() throws {
        let transcoder = try G711AACTranscoder(law: .muLaw)
        var packets: [MediaPacket] = []
        let frame = [UInt8](repeating: 0xFF, count: 800)
        for index in 0..<10 { try transcoder.transcode(frame, pts: Int64(index * 800), trackID: 2, into: &packets) }  // 0 … 8000
        let beforeGap = packets.count
        for index in 0..<10 { try transcoder.transcode(frame, pts: 40_000 + Int64(index * 800), trackID: 2, into: &packets) }
        // The run before the pause ends with its last (shorter) packet at exactly 8000.
        let first = packets.firstIndex { $0.pts >= 40_000 }!
        #expect(first > beforeGap - 1)
        #expect(packets[first - 1].pts + packets[first - 1].duration! == 8000)
        #expect(packets[first].pts == 40_000)
        // Back by 3 s: placed after what was sent, never overlapping it.
        for index in 0..<10 { try transcoder.transcode(frame, pts: 24_000 + Int64(index * 800), trackID: 2, into: &packets) }
        try transcoder.finish(trackID: 2, into: &packets)
        for (previous, next) in zip(packets, packets.dropFirst()) {
            #expect(previous.pts + previous.duration! <= next.pts, "\(previous.pts)+\(previous.duration!) overlaps \(next.pts)")
        }
        #expect(packets.last!.pts + packets.last!.duration! == 40_000 + 8000 + 8000)
    }

    @Test("frames of impossible length are refused with the limit named")
    func impossibleLengths() throws {
        let transcoder = try G711AACTranscoder(law: .muLaw)
        var packets: [MediaPacket] = []
        #expect(throws: IngestError.self) { try transcoder.transcode([], pts: 0, trackID: 2, into: &packets) }
        #expect(
            performing: {
                try transcoder.transcode(
                    [UInt8](repeating: 0, count: G711AACTranscoder.maximumFrameLength + 1), pts: 0, trackID: 2, into: &packets)
            },
            throws: { ($0 as? IngestError)?.code == .limitExceeded && "\($0)".contains("\(G711AACTranscoder.maximumFrameLength)") })
        let stereo = try G711AACTranscoder(law: .aLaw, channels: 2)
        #expect(throws: IngestError.self) { try stereo.transcode([0xD5, 0xD5, 0xD5], pts: 0, trackID: 2, into: &packets) }
        try transcoder.transcode([UInt8](repeating: 0xFF, count: G711AACTranscoder.maximumFrameLength), pts: 0, trackID: 2, into: &packets)
        #expect(!packets.isEmpty)
    }

    @Test("24 hours of 8 kHz samples fed as fast as possible: every packet exactly 1024 samples after the one before, no drift")
    func twentyFourHours() throws {
        let transcoder = try G711AACTranscoder(law: .muLaw)
        let samplesPerDay: Int64 = 24 * 3600 * 8000
        let chunk = 8000  // one second a call
        let silence = [UInt8](repeating: 0xFF, count: chunk)
        let start: Int64 = 123_456
        var packets: [MediaPacket] = []
        packets.reserveCapacity(64)
        var count: Int64 = 0
        var expected = start
        var mismatches = 0
        var last: MediaPacket?
        func check() {
            for packet in packets {
                if packet.pts != expected { mismatches += 1 }
                expected = packet.pts + (packet.duration ?? 0)
                count += 1
                last = packet
            }
            packets.removeAll(keepingCapacity: true)
        }
        var fed: Int64 = 0
        let clock = ContinuousClock()
        let began = clock.now
        while fed < samplesPerDay {
            try transcoder.transcode(silence, pts: start + fed, trackID: 2, into: &packets)
            fed += Int64(chunk)
            check()
        }
        try transcoder.finish(trackID: 2, into: &packets)
        check()
        let elapsed = clock.now - began
        #expect(mismatches == 0)
        #expect(count == samplesPerDay / 1024)  // 675,000 frames, exactly
        #expect(last?.pts == start + (samplesPerDay / 1024 - 1) * 1024)
        #expect(expected == start + samplesPerDay)
        print("G.711 → AAC: 24 h of 8 kHz audio transcoded in \(elapsed)")
    }
}
