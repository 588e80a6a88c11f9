extension ProgressiveMovie {
    /// Bytes each sample may add to the `moov`, at most: stts 8 (a run each), ctts 8, stss 4,
    /// stsz 4, and a chunk each: stsc 12 (a run each) and co64 8.
    static let maxTableBytesPerSample = 8 + 8 + 4 + 4 + 12 + 8

    /// Bytes an edit list may add to a `trak`: edts and elst headers, version 1, two entries.
    static let maxEditBytes = 8 + 16 + 2 * 20

    /// An upper bound of `header.count` for tracks with these sample counts, without building
    /// anything: what `--max-size` splitting checks as samples are added.
    ///
    /// `sampleCounts[i]` samples go with `templates[i]`. Each template counts as written with
    /// empty tables and version 1 headers, plus the most every table, an `stss`, a `ctts`, a
    /// two-entry edit list and a 16-byte mdat header can add. There are never more chunks than
    /// samples, so the bound holds for any `chunkDuration` (which is taken to keep the call
    /// the same as `init`'s). It costs one serialization of each template (a few hundred
    /// bytes), nothing per sample.
    public static func headerSizeUpperBound(templates: [TrackBox], sampleCounts: [Int], chunkDuration: Double = 0.5) -> Int {
        // ftyp with every brand we may list, then the moov header and a version 1 mvhd.
        var size = FileTypeBox(majorBrand: "isom", minorVersion: 512, compatibleBrands: ["isom", "iso2", "iso4", "avc1", "mp41"]).serialized
            .count
        size += 8 + MovieHeaderBox(version: 1, timescale: 1, nextTrackID: 1).serialized.count
        for (template, sampleCount) in zip(templates, sampleCounts) {
            var trak = template
            trak.edit = nil
            trak.header.version = 1
            trak.media.header.version = 1
            trak.media.information.sampleTable = SampleTableBox(
                sampleDescription: template.media.information.sampleTable.sampleDescription, syncSample: SyncSampleBox(),
                compositionOffset: CompositionOffsetBox())
            size += trak.serialized.count + maxEditBytes
            size += min(max(sampleCount, 0), MP4Limits.maxProgressiveSamples) * maxTableBytesPerSample
        }
        return size + 16
    }
}
