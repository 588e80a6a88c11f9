extension ProgressiveMovie {
    /// The chunks of all tracks in file order. Each track's samples are cut on one grid of
    /// `chunkDuration` seconds of the movie timeline (a chunk holds a track's samples whose
    /// decode time falls in one grid cell), and the chunks follow each other by cell, the
    /// track order breaking ties. So the tracks interleave about every `chunkDuration`
    /// seconds (FFmpeg's mp4 muxer interleaves every 0.5 to 1 s) and a player reading the file
    /// front to back finds each track's samples near the time it needs them.
    ///
    /// A track's decode times are placed on the movie timeline as its edit list places them:
    /// `startDelay` movie ticks, then the media from `presentationStart`.
    static func interleavedChunks(of tracks: [ProgressiveTrack], chunkDuration: Double, movieTimescale: UInt32) -> [Chunk] {
        let cells = tracks.map { track in
            let startSeconds = Double(track.startDelay) / Double(movieTimescale) - Double(track.presentationStart) / Double(track.timescale)
            return chunkCells(
                of: track.samples, secondsPerTick: 1 / Double(track.timescale), startSeconds: startSeconds, chunkDuration: chunkDuration)
        }
        var next = [Int](repeating: 0, count: tracks.count)
        let chunkCount = cells.reduce(0) { $0 + $1.count }
        var chunks: [Chunk] = []
        chunks.reserveCapacity(chunkCount)
        // Each round takes one chunk: the earliest cell among the tracks' next chunks.
        for _ in 0..<chunkCount {
            var earliest: Int?
            for track in cells.indices where next[track] < cells[track].count {
                if let best = earliest, cells[best][next[best]].cell <= cells[track][next[track]].cell { continue }
                earliest = track
            }
            guard let track = earliest else { break }
            chunks.append(Chunk(track: track, samples: cells[track][next[track]].samples))
            next[track] += 1
        }
        return chunks
    }

    /// One track's samples grouped by grid cell: runs of samples whose decode time, in seconds
    /// on the movie timeline, falls in one cell of `chunkDuration` seconds.
    private static func chunkCells(
        of samples: [ProgressiveSample], secondsPerTick: Double, startSeconds: Double, chunkDuration: Double
    ) -> [(cell: Double, samples: Range<Int>)] {
        var cells: [(cell: Double, samples: Range<Int>)] = []
        var decodeTime: UInt64 = 0
        var start = 0
        var startCell = 0.0
        for (index, sample) in samples.enumerated() {
            let cell = ((startSeconds + Double(decodeTime) * secondsPerTick) / chunkDuration).rounded(.down)
            if index == 0 {
                startCell = cell
            } else if cell != startCell {
                cells.append((startCell, start..<index))
                start = index
                startCell = cell
            }
            decodeTime += UInt64(sample.duration)
        }
        cells.append((startCell, start..<samples.count))
        return cells
    }
}

/// Where one track's chunks start in the mdat payload and how many samples each holds: the
/// track's `stco`/`co64` (once the header size is known) and its `stsc`.
struct ChunkLayout: Sendable {
    /// Offsets from the first byte after the mdat header.
    var payloadOffsets: [UInt64] = []
    /// Run-length coded: a new entry where the sample count per chunk changes.
    var sampleToChunk: [SampleToChunkBox.Entry] = []

    mutating func append(payloadOffset: UInt64, sampleCount: Int) {
        payloadOffsets.append(payloadOffset)
        let count = UInt32(sampleCount)
        if sampleToChunk.last?.samplesPerChunk != count {
            sampleToChunk.append(SampleToChunkBox.Entry(firstChunk: UInt32(payloadOffsets.count), samplesPerChunk: count))
        }
    }

    /// The chunk offset table for a header of `base` bytes: `co64` when `large`, else `stco`
    /// (whose values the caller has checked fit 32 bits).
    func chunkOffsets(base: UInt64, large: Bool) -> SampleTableBox.ChunkOffsets {
        large
            ? .co64(ChunkLargeOffsetBox(chunkOffsets: payloadOffsets.map { base + $0 }))
            : .stco(ChunkOffsetBox(chunkOffsets: payloadOffsets.map { UInt32(truncatingIfNeeded: base + $0) }))
    }
}
