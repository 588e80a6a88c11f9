import TestSupport
import Testing

@testable import Segmenter

/// `SegmentFragments`: a media segment read back into moof values, and the per-track sample
/// timing resolved from them, checked against what `Fragment.bytes` was given.
@Suite("media segment read back")
struct SegmentFragmentsTests {
    /// The fragment of `FragmentTests.videoAndAudioFragment`: moof (0xc0 bytes) + mdat (8 + 6).
    static let video = TrackFragment(
        trackID: 1, baseMediaDecodeTime: 0x1_0000_0002,
        samples: [
            Sample(duration: 512, compositionOffset: 1024, isSync: true, data: [0xAA, 0xBB]),
            Sample(duration: 512, compositionOffset: -512, isSync: false, data: [0xCC]),
        ])
    static let audio = TrackFragment(
        trackID: 2, baseMediaDecodeTime: 1024, samples: [Sample(duration: 1024, isSync: true, data: [0xDD, 0xEE, 0xFF])])
    static let golden = hex(goldenMoofHex + "0000000e 6d646174 aabbccddeeff")

    @Test func writerOutputIsTheGolden() {
        #expect(Fragment.bytes(sequenceNumber: 7, tracks: [Self.video, Self.audio]).joined == Self.golden)
    }

    @Test func parsesIntoMoofAndMdat() throws {
        let segment = try SegmentFragments(parsing: Self.golden)
        #expect(segment.fragments == [SegmentFragments.MovieFragment(box: goldenMoof, moofStart: 0, mediaData: [0xc8..<0xce])])
    }

    @Test func sampleTimingResolvesEveryDefault() throws {
        let trex = InitSegment.movie(tracks: []).movieExtends?.trackExtends ?? []
        let timings = try SegmentFragments(parsing: Self.golden).trackFragmentTimings(trackExtends: trex)
        let base: UInt64 = 0x1_0000_0002
        #expect(
            timings == [
                TrackFragmentTiming(
                    sequenceNumber: 7, trackID: 1, baseMediaDecodeTime: base,
                    samples: [
                        SampleTiming(
                            decodeTime: base, presentationTime: Int64(base) + 1024, duration: 512, size: 2, flags: .sync,
                            compositionOffset: 1024, dataRange: 0xc8..<0xca),
                        SampleTiming(
                            decodeTime: base + 512, presentationTime: Int64(base), duration: 512, size: 1, flags: .nonSync,
                            compositionOffset: -512, dataRange: 0xca..<0xcb),
                    ]),
                // Audio carries no flags: trex's default (0, a sync sample) applies.
                TrackFragmentTiming(
                    sequenceNumber: 7, trackID: 2, baseMediaDecodeTime: 1024,
                    samples: [
                        SampleTiming(
                            decodeTime: 1024, presentationTime: 1024, duration: 1024, size: 3, flags: SampleFlags(rawValue: 0),
                            compositionOffset: 0, dataRange: 0xcb..<0xce)
                    ]),
            ])
    }

    /// Seeded random fragments: what the writer was given is what the parser reads back,
    /// sample for sample, bytes included.
    @Test func randomFragmentsReadBackExactly() throws {
        var random = SeededRandom(seed: 0x7472_756e)
        for round in 0..<200 {
            let tracks = (1...UInt32.random(in: 1...3, using: &random)).map { id in
                TrackFragment(
                    trackID: id, baseMediaDecodeTime: UInt64.random(in: 0...UInt64(Int64.max) / 2, using: &random),
                    samples: (0..<Int.random(in: 0...20, using: &random)).map { _ in
                        Sample(
                            duration: UInt32.random(in: 0...100_000, using: &random),
                            compositionOffset: Int32.random(in: -3000...3000, using: &random) * Int32.random(in: 0...1, using: &random),
                            isSync: Bool.random(using: &random), data: random.bytes(Int.random(in: 0...40, using: &random)))
                    })
            }
            let bytes = Fragment.bytes(sequenceNumber: UInt32(round), tracks: tracks).joined
            let timings = try SegmentFragments(parsing: bytes).trackFragmentTimings(
                trackExtends: tracks.map { TrackExtendsBox(trackID: $0.trackID) })
            let written = tracks.filter { !$0.samples.isEmpty }
            try #require(timings.count == written.count, "round \(round)")
            for (timing, track) in zip(timings, written) {
                #expect(timing.trackID == track.trackID && timing.baseMediaDecodeTime == track.baseMediaDecodeTime)
                #expect(timing.duration == track.duration)
                for (read, sample) in zip(timing.samples, track.samples) {
                    #expect(read.duration == sample.duration && read.isSync == sample.isSync)
                    #expect(read.compositionOffset == Int64(sample.compositionOffset))
                    #expect(read.presentationTime == Int64(read.decodeTime) + Int64(sample.compositionOffset))
                    #expect(Array(bytes[read.dataRange]) == sample.data, "round \(round)")
                }
            }
        }
    }

    @Test func everyProperPrefixFails() {
        for length in 0..<Self.golden.count {
            let code = segmenterErrorCode { _ = try SegmentFragments(parsing: Self.golden[..<length]) }
            #expect(code == .truncated || code == .missingBox, "prefix of \(length) bytes: \(code.map { "\($0)" } ?? "parsed")")
        }
    }

    @Test func seededMutationsNeverCrash() {
        var random = SeededRandom(seed: 0x6d6f_6f66)
        for _ in 0..<2000 {
            var bytes = Self.golden
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = segmenterErrorCode {
                let segment = try SegmentFragments(parsing: bytes)
                for timing in try segment.trackFragmentTimings() {
                    for sample in timing.samples { _ = bytes[sample.dataRange] }  // every range lies in the input
                }
                for fragment in segment.fragments {
                    let again = try MovieFragmentBox(parsing: fragment.box.serialized)
                    #expect(again == fragment.box)
                }
            }
        }
    }

    // MARK: errors, by code

    @Test func anInitSegmentHasNoMoof() {
        let code = segmenterErrorCode { _ = try SegmentFragments(parsing: InitSegment.bytes(tracks: [])) }
        #expect(code == .missingBox)
    }

    @Test func aMoofNeedsAnMdat() {
        let moofOnly = Array(Self.golden.prefix(0xc0))
        #expect(segmenterErrorCode { _ = try SegmentFragments(parsing: moofOnly + moofOnly + Array(Self.golden[0xc0...])) } == .missingBox)
        #expect(segmenterErrorCode { _ = try SegmentFragments(parsing: moofOnly) } == .missingBox)
    }

    @Test func aTrafWithoutTfdtHasNoTiming() throws {
        var moof = goldenMoof
        moof.trackFragments[0].decodeTime = nil  // the first traf: checked before any data offset
        var writer = ByteWriter()
        moof.write(into: &writer)
        MediaDataBox(data: [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]).write(into: &writer)
        let segment = try SegmentFragments(parsing: writer.bytes)
        #expect(segmenterErrorCode { _ = try segment.trackFragmentTimings() } == .missingBox)
    }

    @Test func aSampleOutsideTheMdatIsRejected() throws {
        var segment = try SegmentFragments(parsing: Self.golden)
        segment.fragments[0].box.trackFragments[1].runs[0].dataOffset = 0xcc  // 3 bytes from 0xcc: one past the mdat
        #expect(segmenterErrorCode { _ = try segment.trackFragmentTimings() } == .invalidValue)
        segment.fragments[0].box.trackFragments[1].runs[0].dataOffset = -4  // before the input
        #expect(segmenterErrorCode { _ = try segment.trackFragmentTimings() } == .invalidValue)
    }

    /// Entries whose fields all come from defaults take no bytes: the count itself is capped.
    @Test func trunSampleCountIsCapped() {
        let over = MP4Limits.maxSamplesPerSegment + 1
        var writer = ByteWriter()
        writer.fullBox("trun", version: 0, flags: 0) { $0.write(UInt32(over)) }
        #expect(segmenterErrorCode { _ = try TrackFragmentRunBox(parsing: writer.bytes) } == .limitExceeded)
        var atLimit = ByteWriter()
        atLimit.fullBox("trun", version: 0, flags: 0) { $0.write(UInt32(MP4Limits.maxSamplesPerSegment)) }
        #expect((try? TrackFragmentRunBox(parsing: atLimit.bytes))?.samples.count == MP4Limits.maxSamplesPerSegment)
        // Two trafs at the limit each are over it together.
        var moof = ByteWriter()
        moof.box("moof") { moof in
            MovieFragmentHeaderBox(sequenceNumber: 1).write(into: &moof)
            for id: UInt32 in 1...2 {
                moof.box("traf") { traf in
                    TrackFragmentHeaderBox(trackID: id).write(into: &traf)
                    traf.write(atLimit.bytes)
                }
            }
        }
        #expect(segmenterErrorCode { _ = try MovieFragmentBox(parsing: moof.bytes) } == .limitExceeded)
    }

    @Test func trunAnnouncingMoreSamplesThanItsBytesIsTruncated() {
        var writer = ByteWriter()
        writer.fullBox("trun", version: 1, flags: 0x300) { $0.write(UInt32(1000)) }
        #expect(segmenterErrorCode { _ = try TrackFragmentRunBox(parsing: writer.bytes) } == .truncated)
    }

    @Test func nestingDepthAndSiblingCountAreCapped() {
        let free = hex("00000008 66726565")
        #expect(segmenterErrorCode { _ = try RawBox.sequence(in: free[...], depth: MP4Limits.maxNestingDepth) } == nil)
        #expect(segmenterErrorCode { _ = try RawBox.sequence(in: free[...], depth: MP4Limits.maxNestingDepth + 1) } == .limitExceeded)
        let many = Array([[UInt8]](repeating: free, count: MP4Limits.maxBoxesPerContainer + 1).joined())
        #expect(segmenterErrorCode { _ = try RawBox.sequence(in: many[...]) } == .limitExceeded)
        #expect((try? RawBox.sequence(in: many.dropLast(8)))?.count == MP4Limits.maxBoxesPerContainer)
    }

    @Test func boxHeaders() throws {
        // A size below the header, a size past the input, and an unknown version.
        #expect(segmenterErrorCode { _ = try RawBox.sequence(in: hex("00000004 66726565")[...]) } == .invalidValue)
        #expect(segmenterErrorCode { _ = try RawBox.sequence(in: hex("00000009 66726565")[...]) } == .truncated)
        #expect(
            segmenterErrorCode { _ = try TrackFragmentBaseMediaDecodeTimeBox(parsing: hex("00000010 74666474 02000000 00000400")) }
                == .unsupported)
        // A 64-bit largesize header, and size 0 (to the end).
        let large = try MovieFragmentHeaderBox(parsing: hex("00000001 6d666864 0000000000000018 00000000 00000007"))
        #expect(large.sequenceNumber == 7)
        #expect(try MediaDataBox(parsing: hex("00000000 6d646174 0102")).data == [1, 2])
    }
}
