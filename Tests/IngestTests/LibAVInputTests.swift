import Ingest
import Segmenter
import Testing

/// Reads every packet; fails the test on an error.
func readAll(_ input: LibAVInput) throws -> [MediaPacket] {
    var packets: [MediaPacket] = []
    while let packet = try input.nextPacket() { packets.append(packet) }
    return packets
}

/// True when `data` is a sequence of 4-byte length-prefixed NAL units that fills it exactly.
func isLengthPrefixed(_ data: [UInt8]) -> Bool {
    guard let units = try? LengthPrefixed.nalUnits(in: data, lengthSize: 4) else { return false }
    return !units.isEmpty && units.allSatisfy { !$0.isEmpty && $0.first! & 0x80 == 0 }
}

@Suite("LibAVInput containers")
struct LibAVInputContainerTests {
    @Test("mp4: H.264 high with B-frames + AAC")
    func mp4() throws {
        let path = try Fixtures.path("av.mp4")
        let input = try LibAVInput(url: path)
        #expect(input.tracks.map(\.id) == [1, 2])
        guard case .video(.h264, let width, let height, let timescale) = input.tracks[0].format else {
            Issue.record("first track is not H.264 video")
            return
        }
        #expect(width == 160 && height == 120)
        #expect(timescale == 12800)
        #expect(input.tracks[0].format.codecs.hasPrefix("avc1.64"))
        guard case .audio(.aac, let sampleRate, let channels, let audioTimescale) = input.tracks[1].format else {
            Issue.record("second track is not AAC audio")
            return
        }
        #expect(sampleRate == 48000 && channels == 1 && audioTimescale == 48000)
        #expect(input.tracks[1].format.codecs == "mp4a.40.2")

        let packets = try readAll(input)
        let videoPackets = packets.filter { $0.trackID == 1 }
        let audioPackets = packets.filter { $0.trackID == 2 }
        #expect([videoPackets.count, audioPackets.count] == (try Fixtures.packetCounts(path)))
        #expect(videoPackets.allSatisfy { $0.pts >= $0.dts })
        #expect(videoPackets.contains { $0.pts > $0.dts }, "B-frames give composition offsets")
        #expect(zip(videoPackets, videoPackets.dropFirst()).allSatisfy { $0.dts < $1.dts })
        #expect(videoPackets.first?.isKeyframe == true)
        #expect(videoPackets.filter(\.isKeyframe).count == 2)
        #expect(videoPackets.allSatisfy { isLengthPrefixed($0.data) })
        #expect(videoPackets.allSatisfy { $0.duration == 512 })
        #expect(audioPackets.dropLast().allSatisfy { $0.duration == 1024 })
        #expect(!input.endedWithDamage)
        #expect(input.keyframePresentationTimes() == [0, 1])
    }

    @Test("mkv: dts derived, audio timestamps exact despite millisecond clock", arguments: ["av.mkv", "av.flv"])
    func matroskaAndFLV(name: String) throws {
        let path = try Fixtures.path(name)
        let input = try LibAVInput(url: path)
        #expect(input.tracks.map(\.format.codecs).first?.hasPrefix("avc1.64") == true)
        #expect(input.tracks.map(\.format.timescale) == [1000, 48000])
        let packets = try readAll(input)
        let videoPackets = packets.filter { $0.trackID == 1 }
        let audioPackets = packets.filter { $0.trackID == 2 }
        #expect([videoPackets.count, audioPackets.count] == (try Fixtures.packetCounts(path)))
        #expect(videoPackets.allSatisfy { $0.pts >= $0.dts })
        #expect(zip(videoPackets, videoPackets.dropFirst()).allSatisfy { $0.dts < $1.dts })
        #expect(videoPackets.allSatisfy { isLengthPrefixed($0.data) })
        #expect(zip(audioPackets, audioPackets.dropFirst()).allSatisfy { $1.dts - $0.dts == 1024 })
        #expect(!input.endedWithDamage)
        let keyframes = try #require(input.keyframePresentationTimes())
        #expect(keyframes.count == 2)
        #expect(abs(keyframes[1] - keyframes[0] - 1) < 0.002)
    }

    @Test("mpegts: Annex-B becomes length-prefixed, ADTS headers are stripped")
    func mpegts() throws {
        let path = try Fixtures.path("av.ts")
        let input = try LibAVInput(url: path)
        #expect(input.tracks.map(\.format.timescale) == [90000, 48000])
        let packets = try readAll(input)
        let videoPackets = packets.filter { $0.trackID == 1 }
        let audioPackets = packets.filter { $0.trackID == 2 }
        #expect([videoPackets.count, audioPackets.count] == (try Fixtures.packetCounts(path)))
        #expect(videoPackets.allSatisfy { isLengthPrefixed($0.data) })
        #expect(videoPackets.allSatisfy { $0.pts >= $0.dts })
        // In-band parameter sets are kept: the first access unit carries an SPS (type 7).
        let firstUnits = try LengthPrefixed.nalUnits(in: videoPackets[0].data, lengthSize: 4)
        #expect(firstUnits.contains { $0.first! & 0x1f == 7 })
        #expect(audioPackets.allSatisfy { !($0.data.count > 1 && $0.data[0] == 0xff && $0.data[1] & 0xf0 == 0xf0) })
        #expect(audioPackets.allSatisfy { $0.duration == 1024 })
        #expect(zip(audioPackets, audioPackets.dropFirst()).allSatisfy { $1.dts - $0.dts == 1024 })
        let keyframes = try #require(input.keyframePresentationTimes())
        #expect(keyframes.count == 2)
        #expect(abs(keyframes[1] - keyframes[0] - 1) < 0.002)
    }

    @Test("audio-only inputs get track 1", arguments: ["audio.m4a", "audio.aac"])
    func audioOnly(name: String) throws {
        let path = try Fixtures.path(name)
        let input = try LibAVInput(url: path)
        #expect(input.tracks.count == 1)
        #expect(input.tracks.first?.id == 1)
        #expect(input.tracks.first?.format.codecs == "mp4a.40.2")
        let packets = try readAll(input)
        #expect(packets.count == (try Fixtures.packetCounts(path)).first)
        #expect(packets.allSatisfy { $0.trackID == 1 && $0.isKeyframe })
        #expect(input.keyframePresentationTimes() == nil)
    }

    /// x264 writes VUI timing (25 fps here): without `--framerate` that is the rate; a rate the
    /// user gives wins over it (unlike ffmpeg's `-framerate`, which the VUI overrides).
    @Test("raw H.264 is stamped one frame apart")
    func rawH264Framerate() throws {
        let path = try Fixtures.path("video.h264")
        for (framerate, expected) in [(nil, 25), (25, 25), (30, 30)] as [(Int?, Int64)] {
            let input = try LibAVInput(url: path, options: InputOptions(framerate: framerate))
            let timescale = Int64(try #require(input.tracks.first).format.timescale)
            let packets = try readAll(input)
            #expect(packets.count == 50)
            #expect(packets.first?.dts == 0)
            #expect(zip(packets, packets.dropFirst()).allSatisfy { $1.dts - $0.dts == timescale / expected && $0.pts == $0.dts })
            #expect(packets.first?.isKeyframe == true)
        }
    }
}

@Suite("LibAVInput errors and damage")
struct LibAVInputErrorTests {
    func openError(_ url: String, options: InputOptions = InputOptions()) -> IngestError? {
        do {
            _ = try LibAVInput(url: url, options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingFile() throws {
        let error = try #require(openError("/nonexistent/clip.mp4"))
        #expect(error.code == .openFailed)
        #expect(error.reason.contains("No such file or directory"))
    }

    @Test func textFile() throws {
        let error = try #require(openError(try Fixtures.path("notes.txt")))
        #expect(error.code == .notMedia)
    }

    @Test func unsupportedVideo() throws {
        let name = Fixtures.encoderExists("libvpx-vp9") ? "vp9.webm" : "vp9.webm.mp4"
        let error = try #require(openError(try Fixtures.path(name)))
        #expect(error.code == .unsupportedCodec)
        #expect(error.reason.contains(name == "vp9.webm" ? "VP9 video is not supported" : "MPEG-4 Part 2 video is not supported"))
    }

    @Test(.enabled(if: Fixtures.encoderExists("libvpx-vp9")))
    func unsupportedVideoBesideAAC() throws {
        let path = try Fixtures.path("vp9aac.mkv")
        let error = try #require(openError(path))
        #expect(error.code == .unsupportedCodec)
        #expect(error.reason.contains("VP9 video"))
        // Asking for audio only is fine: the VP9 stream is discarded.
        let audioOnly = try LibAVInput(url: path, options: InputOptions(media: [.audio]))
        #expect(audioOnly.tracks.map(\.format.codecs) == ["mp4a.40.2"])
    }

    @Test("truncated files deliver packets up to the damage", arguments: ["av.mp4", "av.ts", "av.mkv", "av.flv"])
    func truncated(name: String) throws {
        let full = try readAll(try LibAVInput(url: try Fixtures.path(name)))
        let path = try Fixtures.truncated(name, fraction: 0.6)
        let input = try LibAVInput(url: path)
        let packets = try readAll(input)
        #expect(packets.count > 20)
        #expect(packets.count < full.count)
        #expect(input.endedWithDamage)
        // One warning for the damage; MPEG-TS may add one for a cut-off last frame it dropped.
        #expect((1...2).contains(input.warnings.count), "\(input.warnings)")
        // What was delivered is what the intact file holds, track by track, packet for packet
        // (the last audio frame may be the damaged one).
        for trackID: UInt32 in [1, 2] {
            let got = packets.filter { $0.trackID == trackID }
            let intact = full.filter { $0.trackID == trackID }
            let common = trackID == 1 ? got.count : got.count - 1
            #expect(Array(got.prefix(common)) == Array(intact.prefix(common)), "track \(trackID)")
        }
    }

    /// A TS cut exactly on a 188-byte boundary looks intact to the demuxer, but its last video
    /// PES (which carries no length) is cut short: that frame must be dropped, not segmented.
    @Test("a transport stream cut on a packet boundary loses only its incomplete last frame")
    func transportStreamCutOnPacketBoundary() throws {
        let source = try Fixtures.path("av.ts")
        let bytes = try readFileBytes(source)
        let cut = Int(Double(bytes.count) * 0.6) / 188 * 188
        let path = try Fixtures.path("cut-on-boundary.ts")
        try writeFileBytes(path, Array(bytes.prefix(cut)))

        let full = try readAll(try LibAVInput(url: source))
        let input = try LibAVInput(url: path)
        let packets = try readAll(input)
        #expect(input.endedWithDamage)
        let video = packets.filter { $0.trackID == 1 }
        let fullVideo = full.filter { $0.trackID == 1 }
        #expect(video.count > 10 && video.count < fullVideo.count)
        // Every video frame delivered is whole: byte-identical to the intact file's.
        #expect(video == Array(fullVideo.prefix(video.count)))
    }

    /// Raw H.264 has no framing: cut mid-frame, the demuxer hands over the partial access unit at
    /// the end as if whole. Only decoding it tells; it must be dropped with a warning.
    @Test("raw H.264 cut mid-frame drops the partial last access unit")
    func rawH264CutMidFrame() throws {
        let full = try readAll(try LibAVInput(url: try Fixtures.path("video.h264")))
        let path = try Fixtures.truncated("video.h264", fraction: 0.6)
        let input = try LibAVInput(url: path)
        let packets = try readAll(input)
        #expect(input.endedWithDamage)
        #expect(input.warnings.contains { $0.contains("incomplete video frame") }, "\(input.warnings)")
        #expect(packets.count > 10 && packets.count < full.count)
        #expect(packets == Array(full.prefix(packets.count)), "every delivered frame is whole")
    }

    @Test("an intact transport stream keeps its last frame")
    func intactTransportStreamKeepsLastFrame() throws {
        let input = try LibAVInput(url: try Fixtures.path("av.ts"))
        let packets = try readAll(input)
        #expect(!input.endedWithDamage)
        #expect(packets.filter { $0.trackID == 1 }.count == (try Fixtures.packetCounts(try Fixtures.path("av.ts"))).first)
    }

    @Test("garbage inside an Annex-B stream is skipped, later frames are kept")
    func garbageInAnnexB() throws {
        let original = try Fixtures.path("video.h264")
        var bytes = Array(try readFileBytes(original))
        // Splice a bogus NAL unit (forbidden bit set) and junk before the 20th start code.
        var startCodes: [Int] = []
        for index in 0..<(bytes.count - 4)
        where bytes[index] == 0 && bytes[index + 1] == 0 && bytes[index + 2] == 0 && bytes[index + 3] == 1 {
            startCodes.append(index)
        }
        let garbage: [UInt8] = [0, 0, 1, 0xff] + Array(repeating: 0xee, count: 200)
        bytes.insert(contentsOf: garbage, at: startCodes[20])
        let damaged = try Fixtures.path("garbage.h264")
        try writeFileBytes(damaged, bytes)

        let intact = try readAll(try LibAVInput(url: original))
        let input = try LibAVInput(url: damaged)
        let packets = try readAll(input)
        #expect(packets.count == intact.count)
        #expect(packets.allSatisfy { isLengthPrefixed($0.data) })
        #expect(packets.last?.data == intact.last?.data)
        #expect(input.warnings.contains { $0.contains("garbage") })
        #expect(!input.endedWithDamage)
    }
}
