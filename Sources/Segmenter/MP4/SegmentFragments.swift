/// The movie fragments of a media segment (`.m4s`), parsed into box values: what
/// `Fragment.bytes` writes, read back, and what FFmpeg and other packagers write.
///
/// ```
/// styp, sidx, prft, emsg, free …   skipped
/// moof                             MovieFragmentBox: mfhd, traf (tfhd, tfdt, trun …) …
/// mdat                             its payload located by index (one or more per moof)
/// … more moof + mdat pairs
/// ```
/// A segment needs at least one `moof`, and every `moof` needs an `mdat` after it; an `mdat`
/// before the first `moof` and boxes of other types (an `ftyp` + `moov` in front, as in a
/// fragmented .mp4) are skipped. Indices are those of the bytes parsed (for an array: offsets
/// from its start). `trackFragmentTimings` resolves every sample's timing, flags and bytes.
public struct SegmentFragments: Sendable, Equatable {
    /// One `moof` and where it and its media data lie in the input.
    public struct MovieFragment: Sendable, Equatable {
        public var box: MovieFragmentBox
        /// Index of the `moof`'s first byte (its size field): the base of its data offsets
        /// under default-base-is-moof.
        public var moofStart: Int
        /// The payloads of the `mdat`s between this `moof` and the next.
        public var mediaData: [Range<Int>]

        public init(box: MovieFragmentBox, moofStart: Int, mediaData: [Range<Int>]) {
            self.box = box
            self.moofStart = moofStart
            self.mediaData = mediaData
        }
    }

    public var fragments: [MovieFragment]

    public init(fragments: [MovieFragment]) { self.fragments = fragments }

    public init(parsing bytes: [UInt8]) throws { try self.init(parsing: bytes[...]) }

    /// `.missingBox` without a `moof` or with a `moof` not followed by an `mdat`; the errors of
    /// the boxes inside; `.limitExceeded` past `MP4Limits.maxSamplesPerSegment` samples in all.
    public init(parsing bytes: ArraySlice<UInt8>) throws {
        fragments = []
        var samples = 0
        for box in try RawBox.sequence(in: bytes) {
            switch box.type {
            case MovieFragmentBox.boxType:
                if let last = fragments.last, last.mediaData.isEmpty {
                    throw SegmenterError(.missingBox, "moof \(last.box.header.sequenceNumber) has no mdat after it")
                }
                let moof = try MovieFragmentBox(parsing: box)
                samples += moof.sampleCount
                try checkSampleCount(samples, in: "moof")
                fragments.append(MovieFragment(box: moof, moofStart: box.startIndex, mediaData: []))
            case MediaDataBox.boxType where !fragments.isEmpty:
                fragments[fragments.count - 1].mediaData.append(box.body.indices)
            default:
                continue
            }
        }
        guard let last = fragments.last else { throw SegmenterError(.missingBox, "no moof box: not a media segment") }
        guard !last.mediaData.isEmpty else {
            throw SegmenterError(.missingBox, "moof \(last.box.header.sequenceNumber) has no mdat after it")
        }
    }
}
