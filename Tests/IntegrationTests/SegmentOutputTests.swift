import Foundation
import TestSupport
import Testing

/// `hlsseg segment` on good inputs, judged by ffmpeg/ffprobe and an independent m3u8 reader.
/// Each case is segmented once; every test below looks at that one output.
@Suite("hlsseg segment: good inputs", .timeLimit(.minutes(10)))
struct SegmentOutputTests {
    @Test("exits 0 with no warning or error on stderr", arguments: SegmentCase.all)
    func runsCleanly(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let noisy = run.process.stderrLines.filter {
            $0.localizedCaseInsensitiveContains("warning") || $0.localizedCaseInsensitiveContains("error")
        }
        #expect(noisy.isEmpty, "clean input, yet:\n\(run.process.summary)")
    }

    @Test("playlist: version 6, EXT-X-MAP, TARGETDURATION, names, ENDLIST", arguments: SegmentCase.all)
    func playlistFollowsContract(_ testCase: SegmentCase) async throws {
        let playlist = try await SegmentRuns.shared.run(testCase).playlist
        let context = Comment(rawValue: "playlist:\n\(playlist.text)")

        #expect(playlist.version == 6, context)
        #expect(playlist.mapURIs == ["init.mp4"], context)
        #expect(playlist.playlistType == testCase.playlistType, context)
        #expect(playlist.mediaSequence == nil || playlist.mediaSequence == 0, context)
        #expect(playlist.hasEndList && playlist.endListIsLast, "EXT-X-ENDLIST must end the playlist. \(context)")
        #expect(!playlist.entries.isEmpty, context)
        #expect(playlist.entries.map(\.uri) == playlist.entries.indices.map { "seg\($0).m4s" }, context)

        let targetDuration = try #require(playlist.targetDuration, context)
        for entry in playlist.entries {
            #expect(
                Double(targetDuration) >= entry.duration.rounded(),
                "EXTINF \(entry.duration) of \(entry.uri) rounds above TARGETDURATION \(targetDuration)")
        }
    }

    @Test("EXTINF: each segment as long as its GOPs, sum = source duration", arguments: SegmentCase.all)
    func durationsMatchMedia(_ testCase: SegmentCase) async throws {
        let playlist = try await SegmentRuns.shared.run(testCase).playlist
        let durations = playlist.entries.map(\.duration)
        let tolerance = testCase.tolerance

        #expect(
            abs(playlist.totalDuration - testCase.mediaDuration) <= tolerance,
            "sum of EXTINF \(playlist.totalDuration) vs source \(testCase.mediaDuration) (± \(tolerance)): \(durations)")

        if let expected = testCase.expectedDurations {
            #expect(durations.count == expected.count, "segments \(durations), expected \(expected)")
            for (actual, wanted) in zip(durations, expected) {
                #expect(abs(actual - wanted) <= tolerance, "segments \(durations), expected \(expected)")
            }
        } else {
            // Audio only: cut on time, so every segment but the last is hls_time (± one frame).
            for duration in durations.dropLast() {
                #expect(abs(duration - testCase.hlsTime) <= tolerance, "segments \(durations)")
            }
            #expect((durations.last ?? 0) <= testCase.hlsTime + tolerance, "segments \(durations)")
        }
    }

    @Test("output folder holds only the playlist, init and listed segments", arguments: SegmentCase.all)
    func noStrayFiles(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let expected = Set(["index.m3u8"] + run.playlist.mapURIs + run.playlist.entries.map(\.uri))
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: run.directory.path))
        #expect(present == expected, "unexpected: \(present.subtracting(expected)), missing: \(expected.subtracting(present))")
    }

    @Test("ffmpeg decodes the playlist and init+segments with no error", arguments: SegmentCase.all)
    func decodesWithoutErrors(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)

        let viaPlaylist = try await Probe.decode(run.playlistURL)
        #expect(viaPlaylist.succeeded && viaPlaylist.stderrLines.isEmpty, "\(viaPlaylist.summary)")

        let concatenated = try await Probe.decode(run.concatenated)
        #expect(concatenated.succeeded && concatenated.stderrLines.isEmpty, "\(concatenated.summary)")
    }

    @Test("packet count per stream equals the source's", arguments: SegmentCase.all)
    func packetCountsMatchSource(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let output = try await Probe.packetCounts(run.concatenated)

        var expectedKinds: Set<StreamKind> = []
        if let video = testCase.video {
            expectedKinds.insert(.video)
            let source = try await Probe.packetCounts(try await FixtureStore.shared.url(video.fixture))
            #expect(output[.video] == source[.video], "video packets: output \(output), source \(source)")
        }
        if let audio = testCase.audio {
            expectedKinds.insert(.audio)
            let source = try await Probe.packetCounts(try await FixtureStore.shared.url(audio.fixture))
            #expect(output[.audio] == source[.audio], "audio packets: output \(output), source \(source)")
        }
        #expect(Set(output.keys) == expectedKinds, "streams in output: \(output)")
    }

    @Test("every packet payload (or decoded frame) equals the source's", arguments: SegmentCase.all)
    func payloadsMatchSource(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let streams: [(StreamKind, Fixture, SegmentCase.PayloadCheck)] =
            [testCase.video.map { (.video, $0.fixture, $0.check) }, testCase.audio.map { (.audio, $0.fixture, $0.check) }]
            .compactMap { $0 }

        for (kind, fixture, check) in streams {
            let source = try await FixtureStore.shared.url(fixture)
            let decoded = check == .decoded
            let wanted = try await Probe.frameHashes(source, kind, decoded: decoded)
            let got = try await Probe.frameHashes(run.concatenated, kind, decoded: decoded)
            let firstDifference = zip(wanted, got).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(!wanted.isEmpty)
            #expect(
                got == wanted,
                """
                \(kind) \(decoded ? "decoded frames" : "packet payloads") differ: source \(wanted.count), \
                output \(got.count), first difference at \(firstDifference.map(String.init) ?? "the end")
                """)
        }
    }

    @Test("tfdt of every fragment = previous tfdt + its sample durations", arguments: SegmentCase.all)
    func decodeTimelineIsContinuous(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let timeline = try FragmentTimeline(initSegment: run.initURL, segments: run.segmentURLs)
        for kind in StreamKind.allCases {
            guard let track = timeline.track(kind) else { continue }
            for (previous, next) in zip(track.fragments, track.fragments.dropFirst()) {
                let end = previous.baseMediaDecodeTime + previous.samples.reduce(0) { $0 + $1.duration }
                #expect(
                    next.baseMediaDecodeTime == end,
                    "\(kind): tfdt \(next.baseMediaDecodeTime) after a fragment ending at \(end) (timescale \(track.timescale))")
            }
        }
    }

    @Test(
        "presentation times equal the source's minus one constant, the same for all streams",
        arguments: SegmentCase.all.filter(\.sourcesHaveTimestamps))
    func timestampsKeepSync(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let timeline = try FragmentTimeline(initSegment: run.initURL, segments: run.segmentURLs)
        let streams: [(StreamKind, Fixture)] =
            [testCase.video.map { (.video, $0.fixture) }, testCase.audio.map { (.audio, $0.fixture) }]
            .compactMap { $0 }

        var shifts: [StreamKind: Double] = [:]
        for (kind, fixture) in streams {
            let source = try await Probe.presentationTimes(try await FixtureStore.shared.url(fixture), kind)
            let track = try #require(timeline.track(kind), "no \(kind) track in the output")
            let output = track.samples.map { Double($0.pts) / Double(track.timescale) }
            try #require(output.count == source.count && !output.isEmpty, "\(kind): \(output.count) samples, source \(source.count)")
            let pairs = zip(output, source).compactMap { pair -> (Double, Double)? in pair.1.map { (pair.0, $0) } }
            try #require(pairs.count == output.count, "\(kind): source packets without a presentation time")
            let shift = pairs[0].0 - pairs[0].1
            shifts[kind] = shift
            // Half a millisecond covers rounding between the two files' timescales.
            let off = pairs.enumerated().first { abs($0.element.0 - $0.element.1 - shift) > 0.0005 }
            #expect(
                off == nil,
                """
                \(kind) sample \(off?.offset ?? 0): output pts \(off?.element.0 ?? 0), source \(off?.element.1 ?? 0); \
                shift \(shift) at sample 0
                """)
        }
        if let video = shifts[.video], let audio = shifts[.audio] {
            #expect(abs(video - audio) <= 0.0005, "A/V sync moved: video shifted by \(video) s, audio by \(audio) s")
        }
    }

    @Test("every segment starts with a video keyframe", arguments: SegmentCase.withVideo)
    func segmentsStartWithKeyframes(_ testCase: SegmentCase) async throws {
        let run = try await SegmentRuns.shared.run(testCase)
        let probeDirectory = try TestScratch.directory("keyframes-\(UUID().uuidString)")
        for (index, segment) in run.segmentURLs.enumerated() {
            let standalone = probeDirectory.appendingPathComponent("seg\(index).mp4")
            try concatenate([run.initURL, segment], into: standalone)
            let flags = try await Probe.videoPacketFlags(standalone)
            #expect(
                flags.first?.contains("K") == true,
                "\(segment.lastPathComponent) starts with a video packet flagged \(flags.first ?? "(none)")")
        }
    }
}
