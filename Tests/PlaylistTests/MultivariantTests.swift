import Testing

@testable import Playlist

@Suite struct MultivariantTests {
    static let playlist = MultivariantPlaylist(
        independentSegments: true,
        variants: [
            VariantStream(
                uri: "hd/index.m3u8", bandwidth: 2_200_000, averageBandwidth: 2_000_000,
                codecs: "avc1.64001f,mp4a.40.2", resolution: Resolution(width: 1280, height: 720),
                frameRate: 29.97002997),
            VariantStream(uri: "audio/index.m3u8", bandwidth: 140_000, codecs: "mp4a.40.2"),
        ])
    static let text = """
        #EXTM3U
        #EXT-X-VERSION:1
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-STREAM-INF:BANDWIDTH=2200000,AVERAGE-BANDWIDTH=2000000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970
        hd/index.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=140000,CODECS="mp4a.40.2"
        audio/index.m3u8

        """

    @Test func writes() {
        #expect(PlaylistWriter.write(Self.playlist) == Self.text)
    }

    @Test func parsesBack() throws {
        var expected = Self.playlist
        expected.variants[0].frameRate = 29.97
        #expect(try PlaylistParser.parseMultivariant(Self.text) == expected)
    }

    @Test func parsesFFmpegStyleMaster() throws {
        // FFmpeg's master_pl_name output: quoted CODECS, version 3, unknown attributes.
        let p = try PlaylistParser.parseMultivariant(
            "#EXTM3U\r\n#EXT-X-VERSION:3\r\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\"\r\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=1210000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",CLOSED-CAPTIONS=NONE\r\n"
                + "out_0.m3u8\r\n")
        #expect(
            p.variants == [
                VariantStream(
                    uri: "out_0.m3u8", bandwidth: 1_210_000, codecs: "avc1.64001e,mp4a.40.2",
                    resolution: Resolution(width: 640, height: 360))
            ])
        #expect(p.unknownTags == ["#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\""])
    }

    @Test(arguments: [
        ("#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"a\"\nv.m3u8\n", PlaylistError.Code.invalidAttribute, 2),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=fast\nv.m3u8\n", .invalidNumber, 2),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=720p\nv.m3u8\n", .invalidAttribute, 2),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,FRAME-RATE=x\nv.m3u8\n", .invalidNumber, 2),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", .missingURI, 2),
        ("#EXTM3U\nv.m3u8\n", .wrongPlaylistKind, 2),
        ("#EXTM3U\n#EXTINF:2,\na.ts\n", .wrongPlaylistKind, 2),
        ("EXTM3U\n", .missingHeader, 1),
    ])
    func errors(_ text: String, _ code: PlaylistError.Code, _ line: Int) {
        do {
            _ = try PlaylistParser.parseMultivariant(text)
            Issue.record("expected \(code)")
        } catch {
            #expect(error.code == code)
            #expect(error.line == line)
        }
    }
}
