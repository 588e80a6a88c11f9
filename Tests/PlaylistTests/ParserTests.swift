import Testing

@testable import Playlist

@Suite struct LenientParsingTests {
    @Test func crlfBOMBlankLinesCommentsAndSpaces() throws {
        let text =
            "\u{FEFF}#EXTM3U\r\n\r\n# made by hand\r\n#EXT-X-TARGETDURATION:4\r\n  #EXT-X-MEDIA-SEQUENCE:7  \r\n"
            + "#EXTINF:4,\r\n\r\nsegA.ts\r\n#EXTINF:3.5\r\nsegB.ts  \r\n#EXT-X-ENDLIST"
        let p = try PlaylistParser.parseMedia(text)
        #expect(p.targetDuration == 4)
        #expect(p.mediaSequence == 7)
        #expect(p.segments == [MediaSegment(uri: "segA.ts", duration: 4), MediaSegment(uri: "segB.ts", duration: 3.5)])
        #expect(p.endList)
    }

    @Test(arguments: [
        ("#EXTINF:2,", 2.0, ""), ("#EXTINF:2", 2.0, ""), ("#EXTINF:2.002000,", 2.002, ""),
        ("#EXTINF:10,Title, with comma", 10.0, "Title, with comma"), ("#EXTINF: 1.5 ,x", 1.5, "x"),
        ("#EXTINF:.5,", 0.5, ""), ("#EXTINF:3.,", 3.0, ""),
    ])
    func extinfForms(_ line: String, _ duration: Double, _ title: String) throws {
        let p = try PlaylistParser.parseMedia("#EXTM3U\n\(line)\ns.ts\n")
        #expect(p.segments.first?.duration == duration)
        #expect(p.segments.first?.title == title)
    }

    @Test(arguments: [
        "2026-11-21T19:35:55.123Z", "2026-11-21T19:35:55.123+00:00", "2026-11-21T19:35:55.123+0000",
        "2026-11-21T19:35:55.123456Z", "2026-11-21T21:35:55.123+02:00", "2026-11-21T14:05:55.123-0530",
        "2026-11-21t19:35:55.123z", "2026-11-21T19:35:55.123",
    ])
    func programDateTimeForms(_ text: String) throws {
        let p = try PlaylistParser.parseMedia("#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:\(text)\n#EXTINF:2,\ns.ts\n")
        #expect(p.segments[0].programDateTime?.millisecondsSinceEpoch == 1_795_289_755_123)
    }

    @Test func mapWithByteRangeAndMapCarriesOver() throws {
        let p = try PlaylistParser.parseMedia(
            """
            #EXTM3U
            #EXT-X-TARGETDURATION:2
            #EXT-X-MAP:URI="main.mp4",BYTERANGE="1024@0"
            #EXTINF:2,
            main.mp4
            #EXT-X-DISCONTINUITY
            #EXTINF:2,
            b.m4s
            #EXT-X-MAP: URI = "init_1.mp4" , BYTERANGE="500"
            #EXTINF:2,
            c.m4s
            """)
        let first = MediaInitializationSection(uri: "main.mp4", byteRange: ByteRange(length: 1024, offset: 0))
        #expect(p.segments.map(\.map) == [first, first, MediaInitializationSection(uri: "init_1.mp4", byteRange: ByteRange(length: 500))])
        #expect(p.segments[1].discontinuity)
    }

    @Test func missingTargetDurationIsDerived() throws {
        let p = try PlaylistParser.parseMedia("#EXTM3U\n#EXTINF:2.6,\na.ts\n#EXTINF:1,\nb.ts\n")
        #expect(p.targetDuration == 3)
    }

    @Test func repeatedHeaderTagsLastWinsAndTrailingSegmentTagsDropped() throws {
        let p = try PlaylistParser.parseMedia(
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-TARGETDURATION:4\n#EXTINF:2,\na.ts\n#EXT-X-DISCONTINUITY\n")
        #expect(p.targetDuration == 4)
        #expect(p.segments.count == 1)
    }
}

/// Errors: code and line number, never a crash.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var text: String
    var code: PlaylistError.Code
    var line: Int
    var testDescription: String { "\(code) at \(line)" }
}

@Test(arguments: [
    ErrorCase(text: "", code: .missingHeader, line: 1),
    ErrorCase(text: "\n\n", code: .missingHeader, line: 1),
    ErrorCase(text: "\n#EXT-X-VERSION:3\n", code: .missingHeader, line: 2),
    ErrorCase(text: "<html>", code: .missingHeader, line: 1),
    ErrorCase(text: "#EXTM3U\n#EXT-X-TARGETDURATION:two\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-1\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:99999999999999999999\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-VERSION\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n\n#EXTINF:abc,\na.ts\n", code: .invalidNumber, line: 3),
    ErrorCase(text: "#EXTM3U\n#EXTINF:-2,\na.ts\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXTINF:1e3,\na.ts\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXTINF:nan,\na.ts\n", code: .invalidNumber, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:LIVE\n", code: .invalidTag, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:yesterday\n", code: .invalidDate, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2026-02-30T00:00:00Z\n", code: .invalidDate, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2026-11-21T24:00:00Z\n", code: .invalidDate, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MAP:BYTERANGE=\"1@0\"\n", code: .invalidAttribute, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MAP:URI=init.mp4\n", code: .invalidAttribute, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\n", code: .invalidAttribute, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MAP:URI=\"i.mp4\",BYTERANGE=\"x@1\"\n", code: .invalidAttribute, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-MAP\n", code: .invalidAttribute, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXT-X-TARGETDURATION:2\na.ts\n", code: .missingDuration, line: 3),
    ErrorCase(text: "#EXTM3U\n#EXTINF:2,\n", code: .missingURI, line: 2),
    ErrorCase(text: "#EXTM3U\n#EXTINF:2,\na.ts\n#EXTINF:2,\n\n# c\n", code: .missingURI, line: 4),
    ErrorCase(text: "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", code: .wrongPlaylistKind, line: 2),
    ErrorCase(
        text: "#EXTM3U\n#EXTINF:2,\n" + String(repeating: "a", count: PlaylistParser.maxLineLength + 1),
        code: .limitExceeded, line: 3),
])
func parserErrors(_ error: ErrorCase) {
    #expect {
        try PlaylistParser.parseMedia(error.text)
    } throws: { thrown in
        guard let thrown = thrown as? PlaylistError else { return false }
        return thrown.code == error.code && thrown.line == error.line && !thrown.reason.isEmpty
    }
}

@Test func tooManySegmentsIsALimit() {
    var text = "#EXTM3U\n"
    text.reserveCapacity(PlaylistParser.maxSegments * 16)
    for _ in 0...PlaylistParser.maxSegments { text += "#EXTINF:1,\ns\n" }
    #expect(throws: PlaylistError.self) { try PlaylistParser.parseMedia(text) }
    do {
        _ = try PlaylistParser.parseMedia(text)
    } catch {
        #expect(error.code == .limitExceeded)
        #expect(error.line == PlaylistParser.maxSegments * 2 + 3)
    }
}

@Test func errorDescriptionNamesTheLine() {
    let error = PlaylistError(.missingURI, "the #EXTINF on line 4 is not followed by a segment URI", line: 4)
    #expect(error.description == "line 4: the #EXTINF on line 4 is not followed by a segment URI")
}
