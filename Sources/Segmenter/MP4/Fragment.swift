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
    /// Writes the fragment from the box values of `Boxes/`: mfhd, tfhd and tfdt as values; each
    /// trun through `TrackFragmentRunBox`'s serializer over a lazy view of the track's samples,
    /// so no per-sample array is built on this live path.
    public static func bytes(sequenceNumber: UInt32, tracks: [TrackFragment]) -> FragmentBytes {
        let tracks = tracks.filter { !$0.samples.isEmpty }
        var writer = ByteWriter(capacity: 64 + tracks.reduce(0) { $0 + 40 + 16 * $1.samples.count })
        var dataOffsetPositions: [Int] = []
        dataOffsetPositions.reserveCapacity(tracks.count)
        writer.box(MovieFragmentBox.boxType) { moof in
            MovieFragmentHeaderBox(sequenceNumber: sequenceNumber).write(into: &moof)
            for track in tracks {
                dataOffsetPositions.append(writeTrackFragment(&moof, track))
            }
        }
        // The sample data of track i starts after the moof, the mdat header and tracks 0..<i.
        let mdatHeaderSize = 8
        var dataOffset = writer.count + mdatHeaderSize
        for (position, track) in zip(dataOffsetPositions, tracks) {
            guard let offset = Int32(exactly: dataOffset) else {
                preconditionFailure("a fragment over 2 GiB")  // a segment is seconds of media, never this large
            }
            writer.set(UInt32(bitPattern: offset), at: position)
            dataOffset += track.dataSize
        }
        MediaDataBox.writeHeader(into: &writer, payloadSize: tracks.reduce(0) { $0 + $1.dataSize })
        return FragmentBytes(header: writer.bytes, payloads: tracks.flatMap { $0.samples.map(\.data) })
    }

    /// Writes a `traf` and returns the index of its `trun.data_offset`, patched by the caller.
    static func writeTrackFragment(_ writer: inout ByteWriter, _ track: TrackFragment) -> Int {
        let hasNonSync = track.samples.contains { !$0.isSync }
        let hasCompositionOffsets = track.samples.contains { $0.compositionOffset != 0 }
        var fields: TrackFragmentRunBox.SampleFields = [.duration, .size]
        // Tracks whose samples are all sync samples rely on trex's default flags (0 = sync).
        if hasNonSync { fields.insert(.flags) }
        if hasCompositionOffsets { fields.insert(.compositionTimeOffset) }
        var dataOffsetPosition = 0
        writer.box(TrackFragmentBox.boxType) { traf in
            TrackFragmentHeaderBox(trackID: track.trackID, defaultBaseIsMoof: true).write(into: &traf)
            TrackFragmentBaseMediaDecodeTimeBox(version: 1, baseMediaDecodeTime: track.baseMediaDecodeTime).write(into: &traf)
            traf.box(TrackFragmentRunBox.boxType) { trun in
                let entries = track.samples.lazy.map { sample in
                    TrackFragmentRunBox.Entry(
                        duration: sample.duration, size: UInt32(sample.data.count), flags: sample.isSync ? .sync : .nonSync,
                        compositionTimeOffset: Int64(sample.compositionOffset))
                }
                // data_offset: a placeholder, patched once the moof size is known.
                dataOffsetPosition =
                    TrackFragmentRunBox.writeBody(
                        version: 1, dataOffset: 0, firstSampleFlags: nil, sampleFields: fields, samples: entries, into: &trun) ?? 0
            }
        }
        return dataOffsetPosition
    }
}
