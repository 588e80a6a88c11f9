/// `moof` > `mfhd`: one movie fragment: its sequence number and a `traf` per track
/// (ISO/IEC 14496-12 §8.8.4, §8.8.5).
///
/// ```
/// aligned(8) class MovieFragmentBox extends Box('moof') { }
///   mfhd               exactly one
///   traf               zero or more
/// aligned(8) class MovieFragmentHeaderBox extends FullBox('mfhd', 0, 0) {
///   unsigned int(32) sequence_number;
/// }
/// ```
/// Other children (pssh, meta) are skipped. At most `MP4Limits.maxSamplesPerSegment` samples
/// across all its trafs.
public struct MovieFragmentBox: MP4Box {
    public static let boxType: FourCC = "moof"

    public var header: MovieFragmentHeaderBox
    public var trackFragments: [TrackFragmentBox]

    public init(header: MovieFragmentHeaderBox, trackFragments: [TrackFragmentBox]) {
        self.header = header
        self.trackFragments = trackFragments
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        header = try children.parseRequired(MovieFragmentHeaderBox.self, in: Self.boxType)
        trackFragments = []
        var samples = 0
        for child in children where child.type == TrackFragmentBox.boxType {
            let traf = try TrackFragmentBox(parsing: child)
            samples += traf.sampleCount
            try checkSampleCount(samples, in: Self.boxType)
            trackFragments.append(traf)
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        header.write(into: &writer)
        for traf in trackFragments { traf.write(into: &writer) }
    }

    public var sampleCount: Int { trackFragments.reduce(0) { $0 + $1.sampleCount } }
}

public struct MovieFragmentHeaderBox: MP4Box {
    public static let boxType: FourCC = "mfhd"

    /// Rises by at least one from fragment to fragment across the stream.
    public var sequenceNumber: UInt32

    public init(sequenceNumber: UInt32) { self.sequenceNumber = sequenceNumber }

    public init(parsingBody body: inout BoxBodyReader) throws {
        _ = try body.readFullBoxHeader()
        sequenceNumber = try body.readUInt32("sequence_number")
    }

    public func writeBody(into writer: inout ByteWriter) {
        writer.write(UInt32(0))  // version, flags
        writer.write(sequenceNumber)
    }
}

/// `.limitExceeded` once `count` samples pass `MP4Limits.maxSamplesPerSegment`.
func checkSampleCount(_ count: Int, in type: FourCC) throws {
    guard count <= MP4Limits.maxSamplesPerSegment else {
        throw SegmenterError(.limitExceeded, "'\(type)' holds more than \(MP4Limits.maxSamplesPerSegment) samples")
    }
}
