/// Playlists written by Debian's ffmpeg 5.1 (libavformat hlsenc), committed verbatim.
/// Made with `ffmpeg -f lavfi -i testsrc2=rate=30 -f lavfi -i sine -t <s> -c:v libx264 -g 60
/// -c:a aac -f hls -hls_time 2 <options> index.m3u8`; the options are noted per fixture.
enum Fixtures {
    /// hls_segment_type fmp4, hls_playlist_type event, program_date_time
    static let ffmpegFMP4Event = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:EVENT
        #EXT-X-MAP:URI="init.mp4"
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:17.002+0000
        index0.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:19.002+0000
        index1.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:21.002+0000
        index2.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:23.002+0000
        index3.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:25.002+0000
        index4.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:27.002+0000
        index5.m4s
        #EXT-X-ENDLIST

        """

    /// mpegts segments, hls_playlist_type vod, 9 s input
    static let ffmpegMPEGTSVOD = """
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXTINF:2.000000,
        index0.ts
        #EXTINF:2.000000,
        index1.ts
        #EXTINF:2.000000,
        index2.ts
        #EXTINF:2.000000,
        index3.ts
        #EXTINF:1.000000,
        index4.ts
        #EXT-X-ENDLIST

        """

    /// hls_list_size 3, delete_segments+discont_start+program_date_time+independent_segments
    static let ffmpegFMP4LiveDelete = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:4
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-MAP:URI="init.mp4"
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:26.827+0000
        index4.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:28.827+0000
        index5.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:30.827+0000
        index6.m4s
        #EXT-X-ENDLIST

        """

    /// hls_list_size 5, delete_segments+omit_endlist+program_date_time, run twice with append_list
    static let ffmpegAppendListDiscontinuity = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:2
        #EXT-X-MAP:URI="init.mp4"
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:28.165+0000
        index2.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:30.165+0000
        index3.m4s
        #EXT-X-DISCONTINUITY
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:24.868+0000
        index4.m4s
        #EXTINF:2.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:26.868+0000
        index5.m4s
        #EXTINF:1.000000,
        #EXT-X-PROGRAM-DATE-TIME:2026-11-21T19:39:28.868+0000
        index6.m4s

        """

    /// mpegts, hls_list_size 0, round_durations+independent_segments, hls_base_url
    static let ffmpegRoundDurationsBaseURL = """
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-TARGETDURATION:3
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXTINF:3,
        http://cdn.example/x/index0.ts
        #EXTINF:2,
        http://cdn.example/x/index1.ts
        #EXTINF:2,
        http://cdn.example/x/index2.ts
        #EXTINF:1,
        http://cdn.example/x/index3.ts
        #EXT-X-ENDLIST

        """

    /// 30000/1001 fps, fMP4, hls_fmp4_init_filename init_0.mp4, hls_segment_filename seg%d.m4s
    static let ffmpegNTSCFMP4 = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-MAP:URI="init_0.mp4"
        #EXTINF:2.002000,
        seg0.m4s
        #EXTINF:2.002000,
        seg1.m4s
        #EXTINF:2.002000,
        seg2.m4s
        #EXTINF:1.001000,
        seg3.m4s
        #EXT-X-ENDLIST

        """

    /// Every fixture with its name, for parameterised tests and the truncation sweep.
    static let all: [(name: String, text: String)] = [
        ("fmp4 event", ffmpegFMP4Event), ("mpegts vod", ffmpegMPEGTSVOD), ("fmp4 live delete", ffmpegFMP4LiveDelete),
        ("append_list discontinuity", ffmpegAppendListDiscontinuity),
        ("round_durations base url", ffmpegRoundDurationsBaseURL), ("ntsc fmp4", ffmpegNTSCFMP4),
    ]
}
