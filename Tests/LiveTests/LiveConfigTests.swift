import Foundation
import Live
import Packager
import Testing

@Suite("Live configuration file")
struct LiveConfigTests {
    @Test("defaults, per-stream HLS options, tokens and pulled URLs (JSON, a subset of YAML)")
    func decode() throws {
        let text = """
            {"idle_timeout": 5, "publish_tokens": ["all"], "fsync": "per-file", "rtmp_threads": 3,
             "defaults": {"hls_time": 4, "hls_playlist_type": "live", "hls_list_size": 6, "hls_flags": "delete_segments"},
             "streams": {"cam1": {"token": "c1", "hls_time": 1},
                         "lobby": {"pull": "rtsp://10.0.0.5/s", "re": true}}}
            """
        let file = try JSONDecoder().decode(LiveConfigFile.self, from: Data(text.utf8))
        let configuration = try file.liveConfiguration()
        #expect(file.rtmpThreads == 3)
        #expect(configuration.idleTimeout == .seconds(5))
        #expect(configuration.fileSync == .perFile)
        #expect(try LiveConfigFile().liveConfiguration().fileSync == .periodic, "the default")
        #expect(configuration.packager.hlsTime == 4 && configuration.packager.playlistType == nil && configuration.packager.listSize == 6)
        #expect(configuration.packager.flags == [.deleteSegments])
        #expect(configuration.packager(for: "cam1").hlsTime == 1)
        #expect(configuration.streams["cam1"]?.packager?.listSize == 6)
        // Kept as an archive (the default): the live playlist's length is the DVR window's.
        #expect(configuration.packager(for: "cam1").listSize == ArchiveSettings(dvrWindow: 7200).liveListSize(hlsTime: 1))
        #expect(configuration.packager(for: "cam1").archive?.period == 3600)
        #expect(configuration.packager(for: "other").hlsTime == 4)
        #expect(configuration.tokens(for: "cam1") == ["c1"])
        #expect(configuration.tokens(for: "other") == ["all"])
        #expect(configuration.streams["lobby"]?.pullURL == "rtsp://10.0.0.5/s")
        #expect(configuration.streams["lobby"]?.pullRealtime == true)
    }

    @Test("bad values are refused with the key named")
    func bad() throws {
        for text in [
            #"{"defaults": {"hls_playlist_type": "weird"}}"#, #"{"streams": {"../x": {}}}"#, #"{"defaults": {"hls_flags": "nope"}}"#,
            #"{"fsync": "sometimes"}"#,
        ] {
            let file = try JSONDecoder().decode(LiveConfigFile.self, from: Data(text.utf8))
            #expect(throws: PackagerError.self) { _ = try file.liveConfiguration() }
        }
    }
}
