import Testing

@testable import Segmenter

/// `ProgressiveMovie` on synthetic tracks: the header is parsed back with our box parsers and
/// every table, duration, edit list and chunk offset is compared with what the samples imply.
@Suite("Progressive MP4: moov tables, edit lists, chunk layout")
struct ProgressiveMovieTests {
    typealias Fixtures = ProgressiveFixtures

    @Test("H.264 with B-frames (negative offsets) + AAC: every table, interleaved chunks")
    func videoWithBFramesAndAudio() throws {
        let tracks = [
            ProgressiveTrack(template: Fixtures.videoTemplate(), samples: Fixtures.videoSamples(count: 60)),
            ProgressiveTrack(template: Fixtures.audioTemplate(), samples: Fixtures.audioSamples(count: 94)),
        ]
        let movie = try ProgressiveMovie(tracks: tracks)
        let parsed = try verify(movie, tracks)
        #expect(
            parsed.fileType
                == FileTypeBox(majorBrand: "isom", minorVersion: 512, compatibleBrands: ["isom", "iso2", "iso4", "avc1", "mp41"]))
        // Two seconds each, cut every half second: video and audio take turns.
        #expect(movie.chunks.map(\.track) == [0, 1, 0, 1, 0, 1, 0, 1])
        #expect(movie.chunks.filter { $0.track == 0 }.map(\.samples) == [0..<15, 15..<30, 30..<45, 45..<60])
        let video = parsed.movie.tracks[0].media.information.sampleTable
        #expect(video.syncSample?.sampleNumbers == [1, 31])
        #expect(video.compositionOffset?.version == 1)
        #expect(video.timeToSample.entries == [.init(sampleCount: 60, sampleDelta: 3000)])
        // The last B-frame is shown at 174000, the P-frame before it at 177000 until 180000: 2 s.
        #expect(parsed.movie.tracks[0].edit?.editList?.entries == [.init(segmentDuration: 2000, mediaTime: 0)])
        // 94 AAC frames: 96256 ticks at 48 kHz, 2005.33 ms.
        #expect(parsed.movie.tracks[1].header.duration == 2005)
        #expect(parsed.movie.header.duration == 2005)
        #expect(
            parsed.movie.header.version == 0 && parsed.movie.tracks.allSatisfy { $0.header.version == 0 && $0.media.header.version == 0 })
    }

    @Test("video only, every sample a sync sample, no reordering: no stss, no ctts, one sample size")
    func videoOnlyAllSync() throws {
        let samples = (0..<40).map { _ in ProgressiveSample(duration: 3000, size: 500, isSync: true) }
        let tracks = [ProgressiveTrack(template: Fixtures.videoTemplate(id: 7), samples: samples)]
        let parsed = try verify(try ProgressiveMovie(tracks: tracks), tracks)
        let table = parsed.movie.tracks[0].media.information.sampleTable
        #expect(table.syncSample == nil)
        #expect(table.compositionOffset == nil)
        #expect(table.sampleSize.sizes == .constant(size: 500, count: 40))
        #expect(parsed.fileType.compatibleBrands == ["isom", "iso2", "avc1", "mp41"])
        #expect(parsed.movie.header.nextTrackID == 8)
    }

    @Test("video with non-negative offsets: ctts version 0, no iso4")
    func videoWithPositiveOffsets() throws {
        let samples = Fixtures.videoSamples(count: 45, gop: 15).map { sample in
            var sample = sample
            sample.compositionOffset += 3000  // 3000, 6000, 0
            return sample
        }
        let tracks = [ProgressiveTrack(template: Fixtures.videoTemplate(), samples: samples, presentationStart: 3000)]
        let parsed = try verify(try ProgressiveMovie(tracks: tracks), tracks)
        #expect(parsed.movie.tracks[0].media.information.sampleTable.compositionOffset?.version == 0)
        #expect(parsed.fileType.compatibleBrands == ["isom", "iso2", "avc1", "mp41"])
    }

    @Test("audio only: no stss, no ctts, samples per chunk run-length coded")
    func audioOnly() throws {
        let tracks = [ProgressiveTrack(template: Fixtures.audioTemplate(id: 1), samples: Fixtures.audioSamples(count: 300, size: 371))]
        let parsed = try verify(try ProgressiveMovie(tracks: tracks), tracks)
        let table = parsed.movie.tracks[0].media.information.sampleTable
        #expect(table.syncSample == nil && table.compositionOffset == nil)
        #expect(table.sampleSize.sizes == .constant(size: 371, count: 300))
        #expect(table.sampleToChunk.entries.count > 1, "24 and 23 frames per half second alternate")
        #expect(parsed.fileType.compatibleBrands == ["isom", "iso2", "mp41"])
    }

    @Test("edit lists: an empty edit for a start delay, a media time and a duration of their own")
    func editLists() throws {
        let tracks = [
            ProgressiveTrack(
                template: Fixtures.videoTemplate(), samples: Fixtures.videoSamples(count: 60), presentationStart: 3000,
                presentationDuration: 90000),
            ProgressiveTrack(template: Fixtures.audioTemplate(), samples: Fixtures.audioSamples(count: 94), startDelay: 45000),
        ]
        let parsed = try verify(try ProgressiveMovie(tracks: tracks, movieTimescale: 90000), tracks, movieTimescale: 90000)
        #expect(parsed.movie.tracks[0].edit?.editList?.entries == [.init(segmentDuration: 90000, mediaTime: 3000)])
        #expect(
            parsed.movie.tracks[1].edit?.editList?.entries == [
                .empty(segmentDuration: 45000), .init(segmentDuration: 180480, mediaTime: 0),
            ])
        #expect(parsed.movie.tracks[1].header.duration == 45000 + 180480)
        #expect(parsed.movie.header.duration == 45000 + 180480)
    }

    @Test("a chunk per sample (tiny chunk duration): stsc and stco at their largest")
    func chunkPerSample() throws {
        let tracks = [
            ProgressiveTrack(template: Fixtures.videoTemplate(), samples: Fixtures.videoSamples(count: 30)),
            ProgressiveTrack(template: Fixtures.audioTemplate(), samples: Fixtures.audioSamples(count: 47)),
        ]
        let movie = try ProgressiveMovie(tracks: tracks, chunkDuration: 0.001)
        _ = try verify(movie, tracks, chunkDuration: 0.001)
        #expect(movie.chunks.count == 77)
    }

    @Test("offsets past 4 GiB: co64 and a 64-bit mdat size (nothing allocated but the header)")
    func largeFile() throws {
        let tracks = [
            ProgressiveTrack(
                template: Fixtures.videoTemplate(),
                samples: Fixtures.videoSamples(count: 300).map { sample in
                    var sample = sample
                    sample.size = 15_000_000
                    return sample
                }),
            ProgressiveTrack(template: Fixtures.audioTemplate(), samples: Fixtures.audioSamples(count: 470)),
        ]
        let movie = try ProgressiveMovie(tracks: tracks)
        let parsed = try verify(movie, tracks)
        #expect(movie.fileSize > 4_500_000_000)
        #expect(parsed.mediaDataHeaderSize == 16)
        for trak in parsed.movie.tracks {
            guard case .co64 = trak.media.information.sampleTable.chunkOffsets else {
                Issue.record("track \(trak.header.trackID) keeps stco past 4 GiB")
                continue
            }
        }
    }

    @Test("an mdat just under 4 GiB whose last chunk starts past UInt32.max: co64, 8-byte mdat header")
    func co64WithSmallMediaData() throws {
        // 0.5 s per sample: one chunk each; the payload fills a 32-bit mdat to its last byte.
        let sizes: [UInt32] = [4_000_000_000, 294_967_187, 100]
        #expect(sizes.reduce(UInt64(0)) { $0 + UInt64($1) } + 8 == UInt32.max)
        let tracks = [
            ProgressiveTrack(
                template: Fixtures.audioTemplate(), samples: sizes.map { ProgressiveSample(duration: 24000, size: $0, isSync: true) })
        ]
        let movie = try ProgressiveMovie(tracks: tracks)
        let parsed = try verify(movie, tracks)
        #expect(parsed.mediaDataHeaderSize == 8)
        guard case .co64(let box) = parsed.movie.tracks[0].media.information.sampleTable.chunkOffsets else {
            Issue.record("stco cannot hold \(UInt64(movie.header.count) + 4_294_967_187)")
            return
        }
        #expect(box.chunkOffsets.last == UInt64(movie.header.count) + 4_294_967_187)
    }

    @Test("an mdat over 4 GiB whose chunks all start below UInt32.max: stco, 16-byte mdat header")
    func largeMediaDataWithSmallOffsets() throws {
        let samples = [
            ProgressiveSample(duration: 1024, size: 3_000_000_000, isSync: true), .init(duration: 1024, size: 3_000_000_000, isSync: true),
        ]
        let tracks = [ProgressiveTrack(template: Fixtures.audioTemplate(), samples: samples)]
        let movie = try ProgressiveMovie(tracks: tracks)
        let parsed = try verify(movie, tracks)
        #expect(movie.chunks == [.init(track: 0, samples: 0..<2)])
        #expect(parsed.mediaDataHeaderSize == 16)
        #expect(
            parsed.movie.tracks[0].media.information.sampleTable.chunkOffsets
                == .stco(ChunkOffsetBox(chunkOffsets: [UInt32(movie.header.count)])))
    }

    @Test("durations past 32 bits: version 1 mvhd, tkhd, mdhd and elst")
    func version1Headers() throws {
        // 2^20 samples of 2^13 ticks: 2^33 ticks at 1 kHz, about 99 days.
        let samples = [ProgressiveSample](repeating: ProgressiveSample(duration: 8192, size: 1, isSync: true), count: 1 << 20)
        var template = Fixtures.audioTemplate()
        template.media.header.timescale = 1000
        let tracks = [ProgressiveTrack(template: template, samples: samples)]
        let parsed = try verify(try ProgressiveMovie(tracks: tracks, chunkDuration: 3600), tracks, chunkDuration: 3600)
        let trak = parsed.movie.tracks[0]
        #expect(parsed.movie.header.version == 1 && trak.header.version == 1 && trak.media.header.version == 1)
        #expect(trak.edit?.editList?.version == 1)
        #expect(trak.media.header.duration == 1 << 33)
    }

    /// The bound is affine in the sample count: for no samples plus `maxHeaderBytesPerSample`
    /// each, so a caller can compute it once; it saturates instead of overflowing.
    @Test func headerSizeUpperBoundGrowsPerSample() {
        let templates = [Fixtures.videoTemplate(), Fixtures.audioTemplate()]
        let empty = ProgressiveMovie.headerSizeUpperBound(templates: templates, sampleCounts: [0, 0])
        let bound = ProgressiveMovie.headerSizeUpperBound(templates: templates, sampleCounts: [300, 470])
        #expect(bound == empty + 770 * ProgressiveMovie.maxHeaderBytesPerSample)
        #expect(ProgressiveMovie.headerSizeUpperBound(templates: templates, sampleCounts: [Int.max, 1]) == Int.max)
    }

    /// The contract's memory figure: a one-hour 60 fps export keeps 216,000 samples of 16 bytes.
    @Test func sampleTakesSixteenBytes() {
        #expect(MemoryLayout<ProgressiveSample>.stride == 16)
    }

    @Test("refused: no tracks, no samples, one ID twice, a bad chunk duration or timescale, an empty presentation")
    func invalidInput() {
        let video = ProgressiveTrack(template: Fixtures.videoTemplate(), samples: Fixtures.videoSamples(count: 3))
        var empty = video
        empty.samples = []
        var late = video
        late.presentationStart = 9000
        var negative = video
        negative.presentationStart = -1
        var noTimescale = video
        noTimescale.template.media.header.timescale = 0
        let cases: [(String, () throws -> Void)] = [
            ("no tracks", { _ = try ProgressiveMovie(tracks: []) }),
            ("no samples", { _ = try ProgressiveMovie(tracks: [empty]) }),
            ("one ID twice", { _ = try ProgressiveMovie(tracks: [video, video]) }),
            ("chunk duration 0", { _ = try ProgressiveMovie(tracks: [video], chunkDuration: 0) }),
            ("chunk duration NaN", { _ = try ProgressiveMovie(tracks: [video], chunkDuration: .nan) }),
            ("movie timescale 0", { _ = try ProgressiveMovie(tracks: [video], movieTimescale: 0) }),
            ("track timescale 0", { _ = try ProgressiveMovie(tracks: [noTimescale]) }),
            ("presentation starts at its end", { _ = try ProgressiveMovie(tracks: [late]) }),
            ("negative presentation start", { _ = try ProgressiveMovie(tracks: [negative]) }),
        ]
        for (name, body) in cases {
            #expect(segmenterErrorCode(body) == .invalidValue, "\(name)")
        }
    }

    @Test("more samples than MP4Limits.maxProgressiveSamples: .limitExceeded before anything is built")
    func sampleLimit() {
        // 64 tracks sharing one sample array (copy on write): 4 MB of samples stand for 16.8 M.
        let perTrack = MP4Limits.maxProgressiveSamples / 64 + 1
        let samples = [ProgressiveSample](repeating: ProgressiveSample(duration: 1024, size: 1, isSync: true), count: perTrack)
        let tracks = (1...64).map { ProgressiveTrack(template: Fixtures.audioTemplate(id: UInt32($0)), samples: samples) }
        #expect(segmenterErrorCode { _ = try ProgressiveMovie(tracks: tracks) } == .limitExceeded)
    }

    // MARK: - The checks every shape goes through

    /// Parses the header and checks it against `tracks`: box order, every table expanded back
    /// to one value per sample, runs that are maximal, the edit lists and durations, chunks
    /// that cover each track in order and interleave by decode time, offsets that point at each
    /// chunk's first byte, and `headerSizeUpperBound`.
    @discardableResult
    func verify(
        _ movie: ProgressiveMovie, _ tracks: [ProgressiveTrack], movieTimescale: UInt32 = 1000, chunkDuration: Double = 0.5,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ParsedProgressiveHeader {
        let parsed = try ParsedProgressiveHeader(movie.header)
        #expect(parsed.topLevelTypes == ["ftyp", "moov", "mdat"], sourceLocation: sourceLocation)
        #expect(movie.header.starts(with: parsed.fileType.serialized + parsed.movie.serialized), "the moov re-serializes byte for byte")
        let payload = tracks.reduce(UInt64(0)) { $0 + $1.samples.reduce(0) { $0 + UInt64($1.size) } }
        #expect(movie.fileSize == UInt64(movie.header.count) + payload, sourceLocation: sourceLocation)
        #expect(parsed.mediaDataSize == UInt64(parsed.mediaDataHeaderSize) + payload, sourceLocation: sourceLocation)
        #expect(parsed.mediaDataHeaderSize == (payload + 8 > UInt32.max ? 16 : 8), sourceLocation: sourceLocation)
        let bound = ProgressiveMovie.headerSizeUpperBound(
            templates: tracks.map(\.template), sampleCounts: tracks.map(\.samples.count), chunkDuration: chunkDuration)
        #expect(movie.header.count <= bound, "headerSizeUpperBound \(bound) < \(movie.header.count)", sourceLocation: sourceLocation)

        // Chunks: each track's samples in order, in file order; offsets from the header's end.
        var offset = UInt64(movie.header.count)
        var expectedOffsets = [[UInt64]](repeating: [], count: tracks.count)
        var nextSample = [Int](repeating: 0, count: tracks.count)
        var decodeTimes = [UInt64](repeating: 0, count: tracks.count)
        var previousCell = -Double.infinity
        for chunk in movie.chunks {
            let track = tracks[chunk.track]
            #expect(!chunk.samples.isEmpty && chunk.samples.lowerBound == nextSample[chunk.track], sourceLocation: sourceLocation)
            nextSample[chunk.track] = chunk.samples.upperBound
            expectedOffsets[chunk.track].append(offset)
            offset += track.samples[chunk.samples].reduce(0) { $0 + UInt64($1.size) }
            // Interleaving: a chunk's samples share one grid cell of the movie timeline, and cells rise through the file.
            let startSeconds = Double(track.startDelay) / Double(movieTimescale) - Double(track.presentationStart) / Double(track.timescale)
            let cells = chunk.samples.map { index in
                defer { decodeTimes[chunk.track] += UInt64(track.samples[index].duration) }
                return ((startSeconds + Double(decodeTimes[chunk.track]) / Double(track.timescale)) / chunkDuration).rounded(.down)
            }
            #expect(
                Set(cells).count == 1 && cells[0] >= previousCell,
                "chunk \(chunk) spans cells \(cells.prefix(3))…; before: \(previousCell)",
                sourceLocation: sourceLocation)
            previousCell = cells[0]
        }
        #expect(nextSample == tracks.map(\.samples.count), sourceLocation: sourceLocation)
        #expect(offset == movie.fileSize, sourceLocation: sourceLocation)

        #expect(parsed.movie.movieExtends == nil, sourceLocation: sourceLocation)
        #expect(parsed.movie.header.timescale == movieTimescale, sourceLocation: sourceLocation)
        #expect(parsed.movie.header.nextTrackID == (tracks.map(\.template.header.trackID).max() ?? 0) + 1, sourceLocation: sourceLocation)
        try #require(parsed.movie.tracks.count == tracks.count, sourceLocation: sourceLocation)
        var longest: UInt64 = 0
        for (index, (trak, track)) in zip(parsed.movie.tracks, tracks).enumerated() {
            let template = track.template
            let table = trak.media.information.sampleTable
            #expect(trak.header.trackID == template.header.trackID, sourceLocation: sourceLocation)
            #expect(trak.media.handler == template.media.handler && trak.media.header.language == template.media.header.language)
            #expect(trak.media.information.mediaHeader == template.media.information.mediaHeader, sourceLocation: sourceLocation)
            #expect(trak.media.information.dataInformation == template.media.information.dataInformation, sourceLocation: sourceLocation)
            #expect(table.sampleDescription == template.media.information.sampleTable.sampleDescription, sourceLocation: sourceLocation)

            #expect(table.expandedDurations == track.samples.map(\.duration), sourceLocation: sourceLocation)
            #expect(table.expandedSizes == track.samples.map(\.size), sourceLocation: sourceLocation)
            let offsets = track.samples.map { Int64($0.compositionOffset) }
            if offsets.allSatisfy({ $0 == 0 }) {
                #expect(table.compositionOffset == nil, sourceLocation: sourceLocation)
            } else {
                #expect(table.expandedCompositionOffsets == offsets, sourceLocation: sourceLocation)
                #expect(table.compositionOffset?.version == (offsets.contains { $0 < 0 } ? 1 : 0), sourceLocation: sourceLocation)
                #expect(parsed.fileType.compatibleBrands.contains("iso4") == offsets.contains { $0 < 0 }, sourceLocation: sourceLocation)
            }
            let syncNumbers = track.samples.indices.filter { track.samples[$0].isSync }.map { UInt32($0 + 1) }
            if track.isVideo && syncNumbers.count < track.samples.count {
                #expect(table.syncSample?.sampleNumbers == syncNumbers, sourceLocation: sourceLocation)
            } else {
                #expect(table.syncSample == nil, sourceLocation: sourceLocation)
            }
            #expect(table.chunkOffsets.offsets == expectedOffsets[index], sourceLocation: sourceLocation)
            #expect(table.samplesPerChunk == movie.chunks.filter { $0.track == index }.map(\.samples.count), sourceLocation: sourceLocation)
            if case .co64 = table.chunkOffsets {
                #expect(expectedOffsets.joined().contains { $0 > UInt32.max }, "co64 only when needed", sourceLocation: sourceLocation)
            }
            // Runs are as long as they can be.
            let stts = table.timeToSample.entries
            let stsc = table.sampleToChunk.entries
            let ctts = table.compositionOffset?.entries ?? []
            #expect(zip(stts, stts.dropFirst()).allSatisfy { $0.sampleDelta != $1.sampleDelta }, sourceLocation: sourceLocation)
            #expect(zip(stsc, stsc.dropFirst()).allSatisfy { $0.samplesPerChunk != $1.samplesPerChunk }, sourceLocation: sourceLocation)
            #expect(zip(ctts, ctts.dropFirst()).allSatisfy { $0.sampleOffset != $1.sampleOffset }, sourceLocation: sourceLocation)

            let mediaDuration = track.samples.reduce(UInt64(0)) { $0 + UInt64($1.duration) }
            #expect(trak.media.header.duration == mediaDuration, sourceLocation: sourceLocation)
            #expect(trak.media.header.timescale == template.media.header.timescale, sourceLocation: sourceLocation)
            var decodeTime: Int64 = 0
            var presentationEnd = Int64.min
            for sample in track.samples {
                presentationEnd = max(presentationEnd, decodeTime + Int64(sample.compositionOffset) + Int64(sample.duration))
                decodeTime += Int64(sample.duration)
            }
            let presented = track.presentationDuration ?? UInt64(presentationEnd - track.presentationStart)
            let timescale = UInt64(track.timescale)
            let editDuration = (presented * UInt64(movieTimescale) + timescale / 2) / timescale
            var edits: [EditListBox.Entry] = track.startDelay > 0 ? [.empty(segmentDuration: track.startDelay)] : []
            edits.append(.init(segmentDuration: editDuration, mediaTime: track.presentationStart))
            #expect(trak.edit?.editList?.entries == edits, sourceLocation: sourceLocation)
            #expect(trak.header.duration == track.startDelay + editDuration, sourceLocation: sourceLocation)
            longest = max(longest, trak.header.duration)
        }
        #expect(parsed.movie.header.duration == longest, sourceLocation: sourceLocation)
        return parsed
    }
}
