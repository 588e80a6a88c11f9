/// Writes one movie fragment: a `moof` describing every track's samples, then one `mdat` with
/// their bytes, track after track.
///
/// ```
/// moof
///   mfhd                 sequence_number, rising across the whole stream
///   traf (per track)
///     tfhd               default-base-is-moof
///     tfdt v1            baseMediaDecodeTime: the sum of the track's earlier sample durations
///     trun v1            data offset, then per sample: duration, size, flags (video),
///                        signed composition offset (video with B-frames)
/// mdat
/// ```
/// The bytes come back as a header (`moof` + the `mdat` box header) and the sample payloads
/// unchanged, so a writer can hand them to `writev` without copying the media data.
public struct FragmentBytes: Sendable {
    public var header: [UInt8]
    public var payloads: [[UInt8]]

    public var count: Int { header.count + payloads.reduce(0) { $0 + $1.count } }

    /// The whole fragment in one buffer (for tests and small writes).
    public var joined: [UInt8] {
        var bytes = header
        bytes.reserveCapacity(count)
        for payload in payloads { bytes.append(contentsOf: payload) }
        return bytes
    }
}

public enum Fragment {
    // tfhd flags
    static let defaultBaseIsMoof: UInt32 = 0x02_0000
    // trun flags
    static let dataOffsetPresent: UInt32 = 0x000001
    static let sampleDurationPresent: UInt32 = 0x000100
    static let sampleSizePresent: UInt32 = 0x000200
    static let sampleFlagsPresent: UInt32 = 0x000400
    static let sampleCompositionOffsetPresent: UInt32 = 0x000800
    // sample_flags: sample_depends_on = 2 (an I-frame), or 1 plus sample_is_non_sync_sample.
    static let syncSampleFlags: UInt32 = 0x0200_0000
    static let nonSyncSampleFlags: UInt32 = 0x0101_0000

    public static func bytes(sequenceNumber: UInt32, tracks: [TrackFragment]) -> FragmentBytes {
        let tracks = tracks.filter { !$0.samples.isEmpty }
        var writer = ByteWriter(capacity: 64 + tracks.reduce(0) { $0 + 40 + 16 * $1.samples.count })
        var dataOffsetPositions: [Int] = []
        writer.box("moof") { moof in
            moof.fullBox("mfhd", version: 0, flags: 0) { $0.write(sequenceNumber) }
            for track in tracks {
                dataOffsetPositions.append(writeTrackFragment(&moof, track))
            }
        }
        // The sample data of track i starts after the moof, the mdat header and tracks 0..<i.
        let mdatHeaderSize = 8
        var dataOffset = writer.count + mdatHeaderSize
        for (position, track) in zip(dataOffsetPositions, tracks) {
            writer.set(UInt32(dataOffset), at: position)
            dataOffset += track.dataSize
        }
        let mdatSize = mdatHeaderSize + tracks.reduce(0) { $0 + $1.dataSize }
        guard let mdatSize32 = UInt32(exactly: mdatSize) else {
            preconditionFailure("a fragment over 4 GiB")  // a segment is seconds of media, never this large
        }
        writer.write(mdatSize32)
        writer.writeFourCC("mdat")
        return FragmentBytes(header: writer.bytes, payloads: tracks.flatMap { $0.samples.map(\.data) })
    }

    /// Writes a `traf` and returns the index of its `trun.data_offset`, patched by the caller.
    static func writeTrackFragment(_ writer: inout ByteWriter, _ track: TrackFragment) -> Int {
        let hasNonSync = track.samples.contains { !$0.isSync }
        let hasCompositionOffsets = track.samples.contains { $0.compositionOffset != 0 }
        var dataOffsetPosition = 0
        writer.box("traf") { traf in
            traf.fullBox("tfhd", version: 0, flags: defaultBaseIsMoof) { $0.write(track.trackID) }
            traf.fullBox("tfdt", version: 1, flags: 0) { $0.write(track.baseMediaDecodeTime) }
            var flags = dataOffsetPresent | sampleDurationPresent | sampleSizePresent
            // Tracks whose samples are all sync samples rely on trex's default flags (0 = sync).
            if hasNonSync { flags |= sampleFlagsPresent }
            if hasCompositionOffsets { flags |= sampleCompositionOffsetPresent }
            traf.fullBox("trun", version: 1, flags: flags) { trun in
                trun.write(UInt32(track.samples.count))
                dataOffsetPosition = trun.count
                trun.write(UInt32(0))  // data_offset, patched once the moof size is known
                for sample in track.samples {
                    trun.write(sample.duration)
                    trun.write(UInt32(sample.data.count))
                    if hasNonSync { trun.write(sample.isSync ? syncSampleFlags : nonSyncSampleFlags) }
                    if hasCompositionOffsets { trun.write(sample.compositionOffset) }
                }
            }
        }
        return dataOffsetPosition
    }
}
