import Testing

@testable import Playlist

/// The parser never crashes: every prefix of every fixture, and mutated garbage, either parses
/// or throws a `PlaylistError`.
@Suite struct ParserSweepTests {
    static let seeds: [String] = Fixtures.all.map(\.text) + goldenCases.map(\.text) + [MultivariantTests.text]

    @Test func everyPrefixParsesOrFailsCleanly() {
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for end in 0...bytes.count {
                let text = String(decoding: bytes[..<end], as: UTF8.self)
                _ = try? PlaylistParser.parseMedia(text)
                _ = try? PlaylistParser.parseMultivariant(text)
            }
        }
    }

    /// A prefix that cuts an EXTINF off from its URI is reported, not silently accepted.
    @Test func prefixEndingAfterExtinfIsMissingURI() {
        let lines = Fixtures.ffmpegMPEGTSVOD.split(separator: "\n")
        let text = lines.prefix(8).joined(separator: "\n") + "\n"  // ends with "#EXTINF:2.000000,"
        #expect(lines[7] == "#EXTINF:2.000000,")
        #expect {
            try PlaylistParser.parseMedia(text)
        } throws: { ($0 as? PlaylistError)?.code == .missingURI }
    }

    @Test func mutatedBytesNeverCrash() throws {
        // Deterministic xorshift so failures reproduce.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let alphabet = Array("#EXT-X:,=\"@.0123456789\r\n\u{FEFF}TZ+- xé😀".utf8)
        for seed in Self.seeds {
            let original = Array(seed.utf8)
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + Int(next() % 8)) {
                    guard !bytes.isEmpty else { break }
                    let at = Int(next() % UInt64(bytes.count))
                    switch next() % 3 {
                    case 0: bytes[at] = alphabet[Int(next() % UInt64(alphabet.count))]
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
                    }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                if let parsed = try? PlaylistParser.parseMedia(text) {
                    // Whatever parses is written as text that parses and writes back identically
                    // (garbage such as a bare CR inside a tag is normalised by the first write).
                    let written = PlaylistWriter.write(parsed)
                    let rewritten = PlaylistWriter.write(try PlaylistParser.parseMedia(written))
                    #expect(rewritten == written, "\(text.debugDescription)")
                }
                _ = try? PlaylistParser.parseMultivariant(text)
            }
        }
    }
}
