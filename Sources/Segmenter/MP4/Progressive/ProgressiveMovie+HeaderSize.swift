extension ProgressiveMovie {
    /// Bytes each sample may add to the header, at most: stts 8 (a run each), ctts 8, stss 4,
    /// stsz 4, and a chunk each: stsc 12 (a run each) and co64 8. The header bound grows by
    /// exactly this much per sample, so a caller adding samples one by one can compute
    /// `headerSizeUpperBound` once for no samples and add this per sample.
    public static let maxHeaderBytesPerSample = 8 + 8 + 4 + 4 + 12 + 8

    /// Bytes an edit list may add to a `trak`: edts and elst headers, version 1, two entries.
    static let maxEditBytes = 8 + 16 + 2 * 20

    /// Bytes of the largest `ftyp` we write: every brand we may list.
    static let maxFileTypeBytes =
        FileTypeBox(majorBrand: "isom", minorVersion: 512, compatibleBrands: ["isom", "iso2", "iso4", "avc1", "mp41"]).serialized.count

    /// An upper bound of `header.count` for tracks with these sample counts, without building
    /// anything: what `--max-size` splitting checks as samples are added.
    ///
    /// `sampleCounts[i]` samples go with `templates[i]`. Each template counts as written with
    /// empty tables and version 1 headers, plus the most every table, an `stss`, a `ctts`, a
    /// two-entry edit list and a 16-byte mdat header can add: `maxHeaderBytesPerSample` per
    /// sample. There are never more chunks than samples, so the bound holds for any
    /// `chunkDuration` (which is taken to keep the call the same as `init`'s). It costs one
    /// serialization of each template (a few hundred bytes), nothing per sample; the result
    /// saturates at Int.max.
    public static func headerSizeUpperBound(templates: [TrackBox], sampleCounts: [Int], chunkDuration: Double = 0.5) -> Int {
        // ftyp, the moov header, a version 1 mvhd and the largest mdat header.
        var size = maxFileTypeBytes + 8 + MovieHeaderBox(version: 1, timescale: 1, nextTrackID: 1).serialized.count + 16
        for (template, sampleCount) in zip(templates, sampleCounts) {
            var trak = template
            trak.edit = nil
            trak.header.version = 1
            trak.media.header.version = 1
            trak.media.information.sampleTable = SampleTableBox(
                sampleDescription: template.media.information.sampleTable.sampleDescription, syncSample: SyncSampleBox(),
                compositionOffset: CompositionOffsetBox())
            let (tables, overflow) = max(sampleCount, 0).multipliedReportingOverflow(by: maxHeaderBytesPerSample)
            guard !overflow else { return Int.max }
            let (sum, sumOverflow) = size.addingReportingOverflow(trak.serialized.count + maxEditBytes + tables)
            guard !sumOverflow else { return Int.max }
            size = sum
        }
        return size
    }
}
