import Foundation
import Segmenter
import TestSupport
import Testing

@testable import Ingest

/// MP3 audio tags (FLV sound format 2) through `FLVDemuxer`, from an FLV file that Debian's
/// ffmpeg writes with libmp3lame.
@Suite("MP3 over RTMP (FLV sound format 2) passes through", .timeLimit(.minutes(2)))
struct FLVMP3Tests {
    /// The audio tags of an FLV file: (timestamp in ms, AUDIODATA).
    static func audioTags(_ path: String) throws -> [(UInt32, [UInt8])] {
        let bytes = try readFileBytes(path)
        var offset = 9 + 4  // FLV header, PreviousTagSize0
        var tags: [(UInt32, [UInt8])] = []
        while offset + 11 <= bytes.count {
            let type = bytes[offset] & 0x1F
            let size = Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let time =
                UInt32(bytes[offset + 7]) << 24 | UInt32(bytes[offset + 4]) << 16 | UInt32(bytes[offset + 5]) << 8
                | UInt32(bytes[offset + 6])
            let body = offset + 11
            guard body + size <= bytes.count else { break }
            if type == 8 { tags.append((time, Array(bytes[body..<(body + size)]))) }
            offset = body + size + 4
        }
        return tags
    }

    /// One second of a 440 Hz tone, 44.1 kHz mono, in MP3 tags as `ffmpeg -c:a libmp3lame -f flv` writes them.
    static let tags: Result<[(UInt32, [UInt8])], any Error> = Result {
        let directory = try TestScratch.directory("flv-mp3").path
        try Fixtures.run(
            Fixtures.ffmpeg,
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "1",
                "-c:a", "libmp3lame", "-b:a", "64k", "-f", "flv", "mp3.flv",
            ], in: directory)
        return try audioTags("\(directory)/mp3.flv")
    }

    static func packets(_ events: [MediaEvent]) -> [MediaPacket] {
        events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
    }

    static func lastTracks(_ events: [MediaEvent]) -> [Track]? {
        events.compactMap { if case .tracks(let tracks) = $0 { tracks } else { nil } }.last
    }

    /// Feeds audio-only tags (onMetaData announcing MP3 audio only).
    static func demux(_ tags: [(UInt32, [UInt8])]) throws(IngestError) -> (events: [MediaEvent], demuxer: FLVDemuxer) {
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("audiocodecid", .number(2))])])
        for (time, payload) in tags { try demuxer.audio(timestamp: time, payload: payload, into: &events) }
        return (events, demuxer)
    }

    /// The MP3 frames of the tags, header byte dropped.
    static func frames(_ tags: [(UInt32, [UInt8])]) -> [[UInt8]] { tags.map { Array($0.1.dropFirst()) } }

    @Test("libmp3lame tags become an MPEG-1 mp3 track at 44.1 kHz, one packet per frame, 1152 samples apart")
    func wholeFrames() throws {
        let tags = try Self.tags.get()
        #expect(tags.count > 30)
        #expect(tags.allSatisfy { $0.1.first.map { $0 >> 4 } == 2 })
        let (events, demuxer) = try Self.demux(tags)
        #expect(demuxer.droppedAudio == nil)
        let tracks = try #require(Self.lastTracks(events))
        guard case .audio(.mp3(let format), let rate, let channels, let timescale) = tracks.first?.format else {
            Issue.record("no MP3 track: \(tracks)")
            return
        }
        #expect(format.version == .mpeg1 && format.codecsString == "mp4a.6B")
        #expect(rate == 44_100 && channels == 1 && timescale == 44_100)
        let packets = Self.packets(events)
        #expect(packets.map(\.data) == Self.frames(tags))
        #expect(packets.allSatisfy { $0.duration == 1152 })
        let first = try #require(packets.first).dts
        #expect(packets.map(\.dts) == (0..<Int64(packets.count)).map { first + $0 * 1152 })
    }

    @Test("several frames in one tag: each a packet; the tag's stamp times the first, the rest follow by 1152 samples")
    func severalFramesPerTag() throws {
        let tags = try Self.tags.get()
        var packed: [(UInt32, [UInt8])] = []
        for start in stride(from: 0, to: tags.count, by: 3) {
            let group = tags[start..<min(start + 3, tags.count)]
            packed.append((group.first!.0, [group.first!.1[0]] + group.flatMap { $0.1.dropFirst() }))
        }
        let packets = Self.packets(try Self.demux(packed).events)
        #expect(packets.map(\.data) == Self.frames(tags))
        let first = try #require(packets.first).dts
        #expect(packets.map(\.dts) == (0..<Int64(packets.count)).map { first + $0 * 1152 })
    }

    @Test("a frame cut by the tag's end waits for its rest in the next tag")
    func partialFrame() throws {
        let tags = try Self.tags.get()
        let header = tags[0].1[0]
        let frames = Self.frames(tags)
        let stream = frames.flatMap { $0 }
        let starts = frames.indices.map { frames[..<$0].reduce(0) { $0 + $1.count } }
        // The first tag ends 2 bytes into the third frame's header; the others hold 500 bytes of
        // MP3 (frames are ~209 bytes), so most cut a frame. Each is stamped with the time of the
        // first frame that starts in it.
        var cut: [(UInt32, [UInt8])] = []
        var offset = 0
        while offset < stream.count {
            let end = min(offset == 0 ? starts[2] + 2 : offset + 500, stream.count)
            let firstFrame = starts.firstIndex { $0 >= offset } ?? frames.count - 1
            cut.append((tags[firstFrame].0, [header] + stream[offset..<end]))
            offset = end
        }
        let (events, _) = try Self.demux(cut)
        let packets = Self.packets(events)
        #expect(packets.map(\.data) == Self.frames(tags))
        let first = try #require(packets.first).dts
        #expect(packets.map(\.dts) == (0..<Int64(packets.count)).map { first + $0 * 1152 })
    }

    @Test("bytes that start no MP3 frame are bad input: the connection closes with the reason")
    func headerThatDoesNotParse() throws {
        let tags = try Self.tags.get()
        var bad = Array(tags.prefix(5))
        bad.append((200, [tags[0].1[0], 0x12, 0x34, 0x56, 0x78] + Array(repeating: 0, count: 200)))
        do {
            _ = try Self.demux(bad)
            Issue.record("a tag of garbage was taken")
        } catch {
            #expect(error.code == .invalidStream)
            #expect(error.reason.contains("MP3"))
        }
    }

    @Test("MPEG audio Layer II in sound format 2 cannot pass through: the audio is dropped with one warning, the stream goes on")
    func layerTwoDropsAudio() throws {
        // 0xFFFD: MPEG-1 Layer II, no CRC; 128 kbit/s at 44.1 kHz: a 417-byte frame.
        let frame: [UInt8] = [0xFF, 0xFD, 0x90, 0xC0] + Array(repeating: 0, count: 413)
        var demuxer = FLVDemuxer()
        var events: [MediaEvent] = []
        demuxer.metadata([.ecmaArray([("videocodecid", .number(7)), ("audiocodecid", .number(2))])])
        try demuxer.audio(timestamp: 0, payload: [0x2E] + frame, into: &events)
        try demuxer.audio(timestamp: 26, payload: [0x2E] + frame, into: &events)
        try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoSequenceHeader, into: &events)
        try demuxer.video(timestamp: 0, payload: RTMPFixtures.videoFrame(keyframe: true, nal: [0x65]), into: &events)
        #expect(demuxer.droppedAudio?.contains("Layer II") == true)
        let tracks = try #require(Self.lastTracks(events))
        #expect(tracks.map(\.id) == [FLVDemuxer.videoTrackID])
        #expect(Self.packets(events).count == 1)
    }
}
