/// A fast-start progressive MP4 built from samples of fragmented tracks: ftyp, moov, then one
/// mdat holding the samples in `chunks` order. Only the header is built here; the caller
/// copies each sample's bytes after it, unchanged (the export is lossless).
///
/// ```
/// ftyp                       isom, minor 512; compatible isom iso2 [iso4] [avc1] mp41
/// moov
///   mvhd                     movie timescale; duration: the longest track's edits; next_track_ID
///   trak (per track)         the template's boxes, with these computed:
///     tkhd                   duration: the track's edits, movie ticks
///     edts > elst            [empty edit of startDelay] + presentationStart for the presented span
///     mdia
///       mdhd                 duration: the sum of sample durations, track ticks
///       hdlr, minf > vmhd | smhd, dinf      the template's
///       minf > stbl
///         stsd               the template's
///         stts               durations, run-length coded
///         stss               video with some non-sync samples only
///         ctts               when an offset is non-zero; version 1 when one is negative
///         stsc               samples per chunk, run-length coded
///         stsz               one size for all samples, else one per sample
///         stco | co64        absolute file offset of each chunk; co64 past UInt32.max
/// mdat                       8-byte header, 16 (largesize) past UInt32.max; the chunks
/// ```
/// The moov comes first so a player can start before the whole file has arrived. Its size
/// depends on whether offsets take 32 or 64 bits, never on their values: it is written once
/// to measure it, then again with the offsets it implies. The template's `mvex` is not written
/// (the file is not fragmented), and the template's sample tables and edit list are replaced.
public struct ProgressiveMovie: Sendable {
    /// Samples of one track that lie back to back in the mdat.
    public struct Chunk: Sendable, Equatable {
        /// Index into the tracks given to init.
        public var track: Int
        /// Indices into that track's samples.
        public var samples: Range<Int>

        public init(track: Int, samples: Range<Int>) {
            self.track = track
            self.samples = samples
        }
    }

    /// ftyp + moov + the mdat box header (8 bytes, or 16 with a 64-bit size): the file's first bytes.
    public var header: [UInt8]
    /// The media data in file order, right after `header`: each chunk's samples' bytes back to back.
    public var chunks: [Chunk]
    /// header.count + the sum of all sample sizes.
    public var fileSize: UInt64

    /// Chunks interleave the tracks by decode time, about `chunkDuration` seconds each;
    /// stco, or co64 when an offset passes UInt32.max.
    ///
    /// Throws `.invalidValue` for no tracks, a track without samples, sample entries or a
    /// timescale, a negative `presentationStart`, a presentation that starts at or after its
    /// end, two tracks with one ID, a `chunkDuration` that is not a positive number or a
    /// `movieTimescale` of 0; `.limitExceeded` past `MP4Limits.maxProgressiveSamples`.
    public init(tracks: [ProgressiveTrack], chunkDuration: Double = 0.5, movieTimescale: UInt32 = 1000) throws {
        try Self.validate(tracks: tracks, chunkDuration: chunkDuration, movieTimescale: movieTimescale)
        let chunks = Self.interleavedChunks(of: tracks, chunkDuration: chunkDuration, movieTimescale: movieTimescale)
        var layouts = [ChunkLayout](repeating: ChunkLayout(), count: tracks.count)
        var payloadSize: UInt64 = 0
        for chunk in chunks {
            layouts[chunk.track].append(payloadOffset: payloadSize, sampleCount: chunk.samples.count)
            let samples = tracks[chunk.track].samples
            for index in chunk.samples { payloadSize += UInt64(samples[index].size) }
        }
        var movie = try Self.movie(tracks: tracks, layouts: layouts, movieTimescale: movieTimescale)
        let fileType = Self.fileType(for: movie.tracks)

        let mdatHeaderSize = MediaDataBox.headerSize(payloadSize: payloadSize)
        let upperBound = Self.headerSizeUpperBound(
            templates: tracks.map(\.template), sampleCounts: tracks.map(\.samples.count), chunkDuration: chunkDuration)
        if UInt64(upperBound) + payloadSize <= UInt64(UInt32.max) {
            // One pass: 32-bit offsets certainly, written from the end of the header as if it
            // took no bytes, then moved by its real size in place.
            for (index, layout) in layouts.enumerated() {
                movie.tracks[index].media.information.sampleTable.chunkOffsets = layout.chunkOffsets(base: 0, large: false)
            }
            var writer = ByteWriter(capacity: upperBound)
            fileType.write(into: &writer)
            movie.write(into: &writer)
            MediaDataBox.writeHeader(into: &writer, payloadSize: payloadSize)
            var bytes = writer.bytes
            try Self.addToChunkOffsets(UInt32(bytes.count), in: &bytes, before: bytes.count - mdatHeaderSize)
            header = bytes
            self.chunks = chunks
            fileSize = UInt64(bytes.count) + payloadSize
            return
        }

        // Pass 1: the header's size with 32-bit offsets (their values do not change it).
        let header32 = fileType.serialized.count + movie.serialized.count + mdatHeaderSize
        let lastChunkStart = UInt64(header32) + (layouts.compactMap(\.payloadOffsets.last).max() ?? 0)
        let largeOffsets = lastChunkStart > UInt32.max
        // co64 entries take 4 bytes more than stco entries; the box headers stay the same.
        let headerSize = header32 + (largeOffsets ? 4 * chunks.count : 0)

        // Pass 2: the offsets themselves.
        for (index, layout) in layouts.enumerated() {
            movie.tracks[index].media.information.sampleTable.chunkOffsets = layout.chunkOffsets(
                base: UInt64(headerSize), large: largeOffsets)
        }
        var writer = ByteWriter(capacity: headerSize)
        fileType.write(into: &writer)
        movie.write(into: &writer)
        MediaDataBox.writeHeader(into: &writer, payloadSize: payloadSize)
        precondition(writer.count == headerSize, "the header takes \(writer.count) bytes, not the \(headerSize) its offsets assume")
        header = writer.bytes
        self.chunks = chunks
        fileSize = UInt64(headerSize) + payloadSize
    }

    /// Adds `delta` to every entry of every track's `stco` in a written header whose boxes
    /// before the mdat header end at `end` (moov > trak > mdia > minf > stbl > stco).
    static func addToChunkOffsets(_ delta: UInt32, in bytes: inout [UInt8], before end: Int) throws {
        func child(_ type: FourCC, of parent: RawBox) throws -> RawBox? {
            try RawBox.sequence(in: parent.body).first { $0.type == type }
        }
        guard let moov = try RawBox.sequence(in: bytes[..<end]).first(where: { $0.type == MovieBox.boxType }) else { return }
        for trak in try RawBox.sequence(in: moov.body) where trak.type == TrackBox.boxType {
            guard let mdia = try child(MediaBox.boxType, of: trak), let minf = try child(MediaInformationBox.boxType, of: mdia),
                let stbl = try child(SampleTableBox.boxType, of: minf), let stco = try child(ChunkOffsetBox.boxType, of: stbl)
            else { continue }
            // version and flags, entry_count, then the entries.
            var position = stco.body.startIndex + 8
            while position + 4 <= stco.body.endIndex {
                let value =
                    UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16 | UInt32(bytes[position + 2]) << 8
                    | UInt32(bytes[position + 3])
                let moved = value + delta
                bytes[position] = UInt8(truncatingIfNeeded: moved >> 24)
                bytes[position + 1] = UInt8(truncatingIfNeeded: moved >> 16)
                bytes[position + 2] = UInt8(truncatingIfNeeded: moved >> 8)
                bytes[position + 3] = UInt8(truncatingIfNeeded: moved)
                position += 4
            }
        }
    }

    private static func validate(tracks: [ProgressiveTrack], chunkDuration: Double, movieTimescale: UInt32) throws {
        guard !tracks.isEmpty else { throw SegmenterError(.invalidValue, "a progressive MP4 needs at least one track") }
        guard chunkDuration.isFinite, chunkDuration > 0 else {
            throw SegmenterError(.invalidValue, "the chunk duration must be a positive number of seconds, not \(chunkDuration)")
        }
        guard movieTimescale > 0 else { throw SegmenterError(.invalidValue, "the movie timescale must be positive") }
        var ids: Set<UInt32> = []
        var sampleCount = 0
        for track in tracks {
            let id = track.template.header.trackID
            guard ids.insert(id).inserted else { throw SegmenterError(.invalidValue, "two tracks have the track ID \(id)") }
            guard !track.samples.isEmpty else { throw SegmenterError(.invalidValue, "track \(id) has no samples") }
            guard track.timescale > 0 else { throw SegmenterError(.invalidValue, "track \(id) has timescale 0") }
            guard !track.template.media.information.sampleTable.sampleDescription.entries.isEmpty else {
                throw SegmenterError(.invalidValue, "track \(id) has no sample entry in its stsd")
            }
            guard track.presentationStart >= 0 else {
                throw SegmenterError(
                    .invalidValue, "track \(id) starts its presentation at media time \(track.presentationStart); it must be 0 or more")
            }
            sampleCount += track.samples.count
            guard sampleCount <= MP4Limits.maxProgressiveSamples else {
                throw SegmenterError(
                    .limitExceeded, "a progressive MP4 holds at most \(MP4Limits.maxProgressiveSamples) samples: split the export")
            }
        }
    }
}
