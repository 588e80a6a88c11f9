import Testing

@testable import HTTPServe

/// Which request targets the fast path takes as stream files: queries are dropped, except one
/// that asks for a time range, which the router's route makes.
@Suite("fast path: stream file targets")
struct StreamFilePathTests {
    @Test func targets() {
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/index.m3u8") == "/hls/cam/index.m3u8")
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/index.m3u8?cache=1") == "/hls/cam/index.m3u8")
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/index.m3u8?_HLS_restart=1") == "/hls/cam/index.m3u8")
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/index.m3u8?start=3") == nil)
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/index.m3u8?cache=1&end=2026-12-06T14:05:00Z") == nil)
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/seg1.m4s?restart=1") == "/hls/cam/seg1.m4s")
        #expect(StreamFileFastPath.streamFilePath("/hls/cam/a/b.m4s") == nil)
        #expect(StreamFileFastPath.streamFilePath("/api/streams") == nil)
    }
}
