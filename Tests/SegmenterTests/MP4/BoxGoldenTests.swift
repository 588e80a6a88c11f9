import TestSupport
import Testing

@testable import Segmenter

/// The box golden table (`boxGoldenCases`) in both directions, then the hostile-input checks
/// seeded from the same rows.
@Suite("ISO-BMFF boxes: golden table, both directions")
struct BoxGoldenTests {
    @Test("value → exact bytes", arguments: boxGoldenCases)
    func writes(_ row: BoxGoldenCase) {
        #expect(hexString(row.write()) == hexString(row.bytes))
    }

    @Test("bytes → value", arguments: boxGoldenCases)
    func parses(_ row: BoxGoldenCase) throws {
        let mismatch = try row.parseMismatch(row.bytes[...])
        #expect(mismatch == nil, "parsed as \(mismatch ?? "")")
    }

    @Test("bytes → value → the same bytes", arguments: boxGoldenCases)
    func roundTrips(_ row: BoxGoldenCase) throws {
        #expect(try row.reparsesEqual(row.bytes[...]))
    }

    /// Every proper prefix is cut short: `.truncated`, never a crash or a partial value.
    @Test("every proper prefix fails with .truncated", arguments: boxGoldenCases)
    func truncationSweep(_ row: BoxGoldenCase) {
        for length in 0..<row.bytes.count {
            let code = segmenterErrorCode { _ = try row.parseMismatch(row.bytes[..<length]) }
            #expect(code == .truncated, "prefix of \(length) bytes: \(code.map { "\($0)" } ?? "parsed")")
        }
    }

    /// A full box's fields account for every byte of its body: one more byte is
    /// `.trailingBytes`; in a container it is a cut-short child header.
    @Test("one byte more inside the box", arguments: boxGoldenCases)
    func appendedByte(_ row: BoxGoldenCase) {
        var writer = ByteWriter()
        writer.write(row.bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } + 1)
        let bytes = writer.bytes + row.bytes[4...] + [0]
        let code = segmenterErrorCode { _ = try row.parseMismatch(bytes[...]) }
        #expect(code == row.appendedByte)
    }

    /// One more box after the one expected is `.trailingBytes`.
    @Test func boxAfterTheBoxIsRejected() {
        let bytes = hex("00000010 6d666864 00000000 00000007 00000008 66726565")
        #expect(segmenterErrorCode { _ = try MovieFragmentHeaderBox(parsing: bytes) } == .trailingBytes)
    }

    /// A sample table or edit list announcing more entries than `MP4Limits` allows is
    /// `.limitExceeded` before anything is read; at the limit, a count the bytes cannot hold
    /// is `.truncated`.
    @Test func entryCountsPastTheLimits() {
        let table = MP4Limits.maxSampleTableEntries
        let parsers: [(type: FourCC, limit: Int, parse: ([UInt8]) throws -> Void)] = [
            ("stts", table, { _ = try TimeToSampleBox(parsing: $0) }),
            ("ctts", table, { _ = try CompositionOffsetBox(parsing: $0) }),
            ("stss", table, { _ = try SyncSampleBox(parsing: $0) }),
            ("stsc", table, { _ = try SampleToChunkBox(parsing: $0) }),
            ("stsz", table, { _ = try SampleSizeBox(parsing: $0) }),
            ("stco", table, { _ = try ChunkOffsetBox(parsing: $0) }),
            ("co64", table, { _ = try ChunkLargeOffsetBox(parsing: $0) }),
            ("elst", MP4Limits.maxEditListEntries, { _ = try EditListBox(parsing: $0) }),
        ]
        for parser in parsers {
            for (count, expected) in [(parser.limit + 1, SegmenterError.Code.limitExceeded), (parser.limit, .truncated)] {
                var writer = ByteWriter()
                writer.box(parser.type) { body in
                    body.write(UInt32(0))  // version, flags
                    if parser.type == SampleSizeBox.boxType { body.write(UInt32(0)) }  // sample_size 0: one size per sample
                    body.write(UInt32(count))
                }
                #expect(segmenterErrorCode { try parser.parse(writer.bytes) } == expected, "\(parser.type) with \(count) entries")
            }
        }
    }

    /// Seeded random byte changes to every row never crash; whatever still parses writes out
    /// and parses again to the same value.
    @Test("seeded mutations never crash", arguments: boxGoldenCases)
    func mutations(_ row: BoxGoldenCase) {
        var random = SeededRandom(seed: 0x6d70_3462_6f78 ^ UInt64(row.bytes.count))
        for round in 0..<300 {
            var bytes = row.bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = segmenterErrorCode {
                let survives = try row.reparsesEqual(bytes[...])
                #expect(survives, "round \(round): a parsed mutant does not survive writing")
            }
        }
    }
}
