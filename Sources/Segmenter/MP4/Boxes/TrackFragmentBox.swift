/// `traf`: one track's part of a movie fragment (ISO/IEC 14496-12 §8.8.6).
///
/// ```
/// aligned(8) class TrackFragmentBox extends Box('traf') { }
///   tfhd               exactly one
///   tfdt               zero or one (we always write it)
///   trun               zero or more
/// ```
/// Other children (sbgp, sgpd, saiz, saio, senc, subs) are skipped.
public struct TrackFragmentBox: MP4Box {
    public static let boxType: FourCC = "traf"

    public var header: TrackFragmentHeaderBox
    public var decodeTime: TrackFragmentBaseMediaDecodeTimeBox?
    public var runs: [TrackFragmentRunBox]

    public init(header: TrackFragmentHeaderBox, decodeTime: TrackFragmentBaseMediaDecodeTimeBox?, runs: [TrackFragmentRunBox]) {
        self.header = header
        self.decodeTime = decodeTime
        self.runs = runs
    }

    public init(parsingBody body: inout BoxBodyReader) throws {
        let children = try body.readChildren()
        header = try children.parseRequired(TrackFragmentHeaderBox.self, in: Self.boxType)
        decodeTime = try children.parseFirst(TrackFragmentBaseMediaDecodeTimeBox.self)
        runs = []
        var samples = 0
        for child in children where child.type == TrackFragmentRunBox.boxType {
            let run = try TrackFragmentRunBox(parsing: child)
            samples += run.samples.count
            try checkSampleCount(samples, in: Self.boxType)
            runs.append(run)
        }
    }

    public func writeBody(into writer: inout ByteWriter) {
        header.write(into: &writer)
        decodeTime?.write(into: &writer)
        for run in runs { run.write(into: &writer) }
    }

    public var sampleCount: Int { runs.reduce(0) { $0 + $1.samples.count } }
}
