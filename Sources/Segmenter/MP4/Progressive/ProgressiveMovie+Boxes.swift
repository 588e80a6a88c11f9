extension ProgressiveMovie {
    /// The `moov`, with `stco` tables of the right length whose values are placeholders: the
    /// caller measures it, then sets the offsets (see `init`).
    static func movie(tracks: [ProgressiveTrack], layouts: [ChunkLayout], movieTimescale: UInt32) throws -> MovieBox {
        var traks: [TrackBox] = []
        traks.reserveCapacity(tracks.count)
        for (track, layout) in zip(tracks, layouts) {
            traks.append(try trackBox(track, layout: layout, movieTimescale: movieTimescale))
        }
        let duration = traks.map(\.header.duration).max() ?? 0
        let highestID = traks.map(\.header.trackID).max() ?? 0
        // next_track_ID all ones tells a writer adding a track to search for a free ID.
        let nextTrackID = highestID == UInt32.max ? UInt32.max : highestID + 1
        return MovieBox(
            header: MovieHeaderBox(
                version: version(for: duration), timescale: movieTimescale, duration: duration, nextTrackID: nextTrackID),
            tracks: traks)
    }

    /// The template's `trak` with its edit list, durations and sample tables computed.
    static func trackBox(_ track: ProgressiveTrack, layout: ChunkLayout, movieTimescale: UInt32) throws -> TrackBox {
        let tables = SampleTables(track)
        let id = track.template.header.trackID
        let presented: UInt64
        if let duration = track.presentationDuration {
            presented = duration
        } else {
            guard tables.presentationEnd > track.presentationStart else {
                throw SegmenterError(
                    .invalidValue,
                    "track \(id) starts its presentation at \(track.presentationStart), at or after its end (\(tables.presentationEnd))")
            }
            presented = UInt64(tables.presentationEnd - track.presentationStart)
        }
        let editDuration = try scaled(presented, from: track.timescale, to: movieTimescale, track: id)
        var edits: [EditListBox.Entry] = []
        if track.startDelay > 0 { edits.append(.empty(segmentDuration: track.startDelay)) }
        edits.append(EditListBox.Entry(segmentDuration: editDuration, mediaTime: track.presentationStart))
        let (trackDuration, overflow) = track.startDelay.addingReportingOverflow(editDuration)
        guard !overflow else { throw SegmenterError(.invalidValue, "the start delay and duration of track \(id) overflow 64 bits") }

        var trak = track.template
        trak.edit = EditBox(editList: EditListBox(entries: edits))
        trak.header.duration = trackDuration
        trak.header.version = version(for: trackDuration, trak.header.creationTime, trak.header.modificationTime)
        trak.media.header.duration = tables.mediaDuration
        trak.media.header.version = version(for: tables.mediaDuration, trak.media.header.creationTime, trak.media.header.modificationTime)
        trak.media.information.sampleTable = SampleTableBox(
            sampleDescription: trak.media.information.sampleTable.sampleDescription, timeToSample: tables.timeToSample,
            syncSample: tables.syncSample, compositionOffset: tables.compositionOffset,
            sampleToChunk: SampleToChunkBox(entries: layout.sampleToChunk), sampleSize: tables.sampleSize,
            chunkOffsets: .stco(ChunkOffsetBox(chunkOffsets: [UInt32](repeating: 0, count: layout.payloadOffsets.count))))
        return trak
    }

    /// `isom`, minor version 512, compatible isom iso2 avc1 mp41: what FFmpeg's mp4 muxer writes
    /// for H.264 + AAC. `avc1` only with an H.264 track (FFmpeg's rule); `iso4` when a `ctts`
    /// is version 1, the brand that brings signed composition offsets.
    static func fileType(for tracks: [TrackBox]) -> FileTypeBox {
        var brands: [FourCC] = ["isom", "iso2"]
        if tracks.contains(where: { $0.media.information.sampleTable.compositionOffset?.version == 1 }) { brands.append("iso4") }
        let hasH264 = tracks.contains { trak in
            trak.media.information.sampleTable.sampleDescription.entries.contains {
                if case .avc = $0 { true } else { false }
            }
        }
        if hasH264 { brands.append("avc1") }
        brands.append("mp41")
        return FileTypeBox(majorBrand: "isom", minorVersion: 512, compatibleBrands: brands)
    }

    /// Version 1 (64-bit times) only when a value needs it.
    static func version(for values: UInt64...) -> UInt8 {
        values.contains { $0 > UInt32.max } ? 1 : 0
    }

    /// `value` ticks of `source` per second in ticks of `target`, rounded to the nearest.
    static func scaled(_ value: UInt64, from source: UInt32, to target: UInt32, track: UInt32) throws -> UInt64 {
        let product = value.multipliedFullWidth(by: UInt64(target))
        let (low, carry) = product.low.addingReportingOverflow(UInt64(source / 2))
        let high = product.high + (carry ? 1 : 0)  // below target, so no overflow
        guard high < UInt64(source) else {
            throw SegmenterError(.invalidValue, "the duration of track \(track) does not fit 64 bits in the movie timescale")
        }
        return UInt64(source).dividingFullWidth((high, low)).quotient
    }
}
