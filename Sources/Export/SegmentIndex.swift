import Segmenter

/// One media segment's samples per track, with their bytes as absolute offsets in its file.
///
/// Reading follows the box headers: each `moof` is read and parsed, each `mdat` is skipped by
/// seeking past it (its position is all that is kept), so indexing costs a few small reads per
/// segment whatever its size.
///
/// ```
/// styp, sidx, prft, emsg, free …   skipped by their headers
/// moof                             read and parsed (MovieFragmentBox)
/// mdat                             header only: where its payload lies
/// … more moof + mdat pairs
/// ```
public struct SegmentIndex: Sendable {
    /// One sample: its decode time in the segment's own `tfdt` timeline and where its bytes are.
    public struct Sample: Sendable, Equatable {
        public var decodeTime: UInt64
        /// The first byte in the segment file.
        public var offset: UInt64
        public var duration: UInt32
        public var size: UInt32
        public var compositionOffset: Int32
        public var isSync: Bool

        public init(decodeTime: UInt64, offset: UInt64, duration: UInt32, size: UInt32, compositionOffset: Int32, isSync: Bool) {
            self.decodeTime = decodeTime
            self.offset = offset
            self.duration = duration
            self.size = size
            self.compositionOffset = compositionOffset
            self.isSync = isSync
        }

        /// Decode time plus composition offset, in track ticks.
        public var presentationTime: Int64 { Int64(decodeTime) + Int64(compositionOffset) }
    }

    /// Decode order per `track_ID`; a track without samples in this segment has no entry.
    public var tracks: [UInt32: [Sample]]
    public var fileSize: UInt64

    public init(tracks: [UInt32: [Sample]], fileSize: UInt64) {
        self.tracks = tracks
        self.fileSize = fileSize
    }

    /// The largest `moof` read: 2^20 samples of 16 bytes each (`MP4Limits.maxSamplesPerSegment`)
    /// plus room for the boxes around them; a larger size is a damaged or hostile file.
    public static let maxMovieFragmentSize = 24 << 20

    /// Reads `file`'s boxes and resolves every sample with the init segment's `trex` defaults.
    /// Throws `SegmenterError` for a damaged file: `.truncated` when a box runs past the end of
    /// the file (a segment cut short), `.missingBox` without `moof` or `mdat`.
    static func read(_ file: ReadableFile, trackExtends: [TrackExtendsBox]) throws -> SegmentIndex {
        var fragments: [SegmentFragments.MovieFragment] = []
        var offset: UInt64 = 0
        var boxes = 0
        while offset < file.size {
            boxes += 1
            guard boxes <= MP4Limits.maxBoxesPerContainer else {
                throw SegmenterError(.limitExceeded, "more than \(MP4Limits.maxBoxesPerContainer) boxes in the segment")
            }
            let headerCount = Int(min(16, file.size - offset))
            guard headerCount >= 8, let header = file.read(count: headerCount, at: offset) else {
                throw SegmenterError(.truncated, "a box header at byte \(offset) is cut short")
            }
            let size32 = header[0..<4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let type = FourCC(rawValue: UInt32(header[4..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
            var headerSize: UInt64 = 8
            var size = size32
            if size32 == 1 {
                guard header.count == 16 else { throw SegmenterError(.truncated, "the 64-bit size of box '\(type)' is cut short") }
                size = header[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                headerSize = 16
            } else if size32 == 0 {
                size = file.size - offset
            }
            guard size >= headerSize else {
                throw SegmenterError(.invalidValue, "box '\(type)' at byte \(offset) declares \(size) bytes, less than its header")
            }
            guard size <= file.size - offset else {
                throw SegmenterError(
                    .truncated, "box '\(type)' at byte \(offset) declares \(size) bytes; the file ends \(file.size - offset) bytes on")
            }
            switch type {
            case MovieFragmentBox.boxType:
                guard size <= Self.maxMovieFragmentSize else {
                    throw SegmenterError(.limitExceeded, "a moof of \(size) bytes (more than \(Self.maxMovieFragmentSize))")
                }
                guard let bytes = file.read(count: Int(size), at: offset), let raw = try RawBox.sequence(in: bytes[...]).first else {
                    throw SegmenterError(.truncated, "the moof at byte \(offset) cannot be read")
                }
                if let last = fragments.last, last.mediaData.isEmpty {
                    throw SegmenterError(.missingBox, "moof \(last.box.header.sequenceNumber) has no mdat after it")
                }
                let moof = try MovieFragmentBox(parsing: raw)
                fragments.append(.init(box: moof, moofStart: Int(offset), mediaData: []))
            case MediaDataBox.boxType where !fragments.isEmpty:
                fragments[fragments.count - 1].mediaData.append(Int(offset + headerSize)..<Int(offset + size))
            default:
                break
            }
            offset += size
        }
        guard let last = fragments.last else { throw SegmenterError(.missingBox, "no moof box: not a media segment") }
        guard !last.mediaData.isEmpty else {
            throw SegmenterError(.missingBox, "moof \(last.box.header.sequenceNumber) has no mdat after it")
        }
        let timings = try SegmentFragments(fragments: fragments).trackFragmentTimings(trackExtends: trackExtends)
        var tracks: [UInt32: [Sample]] = [:]
        var total = 0
        for timing in timings {
            total += timing.samples.count
            guard total <= MP4Limits.maxSamplesPerSegment else {
                throw SegmenterError(.limitExceeded, "more than \(MP4Limits.maxSamplesPerSegment) samples in the segment")
            }
            var samples = tracks[timing.trackID] ?? []
            for sample in timing.samples {
                guard let offset = Int32(exactly: sample.compositionOffset) else {
                    throw SegmenterError(.invalidValue, "a composition offset of track \(timing.trackID) does not fit 32 bits")
                }
                samples.append(
                    Sample(
                        decodeTime: sample.decodeTime, offset: UInt64(sample.dataRange.lowerBound), duration: sample.duration,
                        size: sample.size, compositionOffset: offset, isSync: sample.isSync))
            }
            tracks[timing.trackID] = samples
        }
        return SegmentIndex(tracks: tracks, fileSize: file.size)
    }
}
