/// One track's samples in one movie fragment with every default resolved: what a player
/// computes from tfdt, trun, tfhd and trex (ISO/IEC 14496-12 §8.8). Decode times run from
/// `tfdt`; `presentationTime = decodeTime + compositionOffset` (signed in trun version 1).
public struct TrackFragmentTiming: Sendable, Equatable {
    public var sequenceNumber: UInt32
    public var trackID: UInt32
    public var baseMediaDecodeTime: UInt64
    public var samples: [SampleTiming]

    public init(sequenceNumber: UInt32, trackID: UInt32, baseMediaDecodeTime: UInt64, samples: [SampleTiming]) {
        self.sequenceNumber = sequenceNumber
        self.trackID = trackID
        self.baseMediaDecodeTime = baseMediaDecodeTime
        self.samples = samples
    }

    /// The decode duration of all samples, in track ticks.
    public var duration: UInt64 { samples.reduce(0) { $0 + UInt64($1.duration) } }
}

/// One sample: its times in track ticks, its flags and where its bytes are.
public struct SampleTiming: Sendable, Equatable {
    public var decodeTime: UInt64
    public var presentationTime: Int64
    public var duration: UInt32
    public var size: UInt32
    public var flags: SampleFlags
    public var compositionOffset: Int64
    /// The sample's bytes: indices of the input `SegmentFragments` parsed, inside an `mdat`.
    public var dataRange: Range<Int>

    public init(
        decodeTime: UInt64, presentationTime: Int64, duration: UInt32, size: UInt32, flags: SampleFlags, compositionOffset: Int64,
        dataRange: Range<Int>
    ) {
        self.decodeTime = decodeTime
        self.presentationTime = presentationTime
        self.duration = duration
        self.size = size
        self.flags = flags
        self.compositionOffset = compositionOffset
        self.dataRange = dataRange
    }

    public var isSync: Bool { flags.isSync }
}

extension SegmentFragments {
    /// Every traf of every moof, in order, with sample fields taken from the trun, else the
    /// tfhd defaults, else the track's `trex` (from the init segment's `mvex`), else 0.
    ///
    /// Data offsets follow §8.8.7.1: from `base_data_offset` if present, else from the moof
    /// (default-base-is-moof, or the first traf), else from the end of the previous traf's
    /// data; a trun without `data_offset` continues where the previous one ended.
    /// Throws `.missingBox` for a traf without `tfdt` (its start would depend on earlier
    /// segments) and `.invalidValue` for a sample whose bytes lie outside the moof's `mdat`s
    /// or whose time overflows 64 bits.
    public func trackFragmentTimings(trackExtends: [TrackExtendsBox] = []) throws -> [TrackFragmentTiming] {
        var defaults: [UInt32: TrackExtendsBox] = [:]
        for trex in trackExtends where defaults[trex.trackID] == nil { defaults[trex.trackID] = trex }
        var timings: [TrackFragmentTiming] = []
        for fragment in fragments {
            var previousTrafEnd: Int?
            for traf in fragment.box.trackFragments {
                let timing = try Self.timing(of: traf, in: fragment, trex: defaults[traf.header.trackID], previousTrafEnd: &previousTrafEnd)
                timings.append(timing)
            }
        }
        return timings
    }

    private static func timing(
        of traf: TrackFragmentBox, in fragment: MovieFragment, trex: TrackExtendsBox?, previousTrafEnd: inout Int?
    ) throws -> TrackFragmentTiming {
        let tfhd = traf.header
        guard let tfdt = traf.decodeTime else {
            throw SegmenterError(.missingBox, "traf of track \(tfhd.trackID) has no tfdt: its start depends on earlier segments")
        }
        let base: Int
        if let explicit = tfhd.baseDataOffset {
            base = try Int(exactly: explicit).orInvalid("base_data_offset \(explicit) of track \(tfhd.trackID) is out of range")
        } else if tfhd.defaultBaseIsMoof {
            base = fragment.moofStart
        } else {
            base = previousTrafEnd ?? fragment.moofStart
        }
        var samples: [SampleTiming] = []
        samples.reserveCapacity(traf.sampleCount)
        var decodeTime = tfdt.baseMediaDecodeTime
        var runEnd = base
        for run in traf.runs {
            var offset = try run.dataOffset.map { try sum(base, Int($0), "data_offset") } ?? runEnd
            for (index, entry) in run.samples.enumerated() {
                let fields = run.sampleFields
                let duration = fields.contains(.duration) ? entry.duration : tfhd.defaultSampleDuration ?? trex?.defaultSampleDuration ?? 0
                let size = fields.contains(.size) ? entry.size : tfhd.defaultSampleSize ?? trex?.defaultSampleSize ?? 0
                let flags =
                    fields.contains(.flags)
                    ? entry.flags
                    : (index == 0 ? run.firstSampleFlags : nil) ?? tfhd.defaultSampleFlags ?? trex?.defaultSampleFlags
                        ?? SampleFlags(rawValue: 0)
                let compositionOffset = fields.contains(.compositionTimeOffset) ? entry.compositionTimeOffset : 0
                let end = try sum(offset, Int(size), "sample size")
                guard offset >= 0, fragment.mediaData.contains(where: { $0.lowerBound <= offset && end <= $0.upperBound }) else {
                    throw SegmenterError(
                        .invalidValue, "a sample of track \(tfhd.trackID) lies at \(offset)..<\(end), outside the mdat of its moof")
                }
                let presentation = try Int64(exactly: decodeTime).flatMap { time in
                    let (value, overflow) = time.addingReportingOverflow(compositionOffset)
                    return overflow ? nil : value
                }.orInvalid("the presentation time of a sample of track \(tfhd.trackID) overflows 64 bits")
                samples.append(
                    SampleTiming(
                        decodeTime: decodeTime, presentationTime: presentation, duration: duration, size: size, flags: flags,
                        compositionOffset: compositionOffset,
                        dataRange: offset..<end))
                let (next, overflow) = decodeTime.addingReportingOverflow(UInt64(duration))
                guard !overflow else { throw SegmenterError(.invalidValue, "the decode time of track \(tfhd.trackID) overflows 64 bits") }
                decodeTime = next
                offset = end
            }
            runEnd = offset
        }
        previousTrafEnd = runEnd
        return TrackFragmentTiming(
            sequenceNumber: fragment.box.header.sequenceNumber, trackID: tfhd.trackID, baseMediaDecodeTime: tfdt.baseMediaDecodeTime,
            samples: samples)
    }

    private static func sum(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw SegmenterError(.invalidValue, "a data offset overflows with \(what)") }
        return value
    }
}

extension Optional {
    /// A `nil` becomes `.invalidValue`.
    func orInvalid(_ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line) throws -> Wrapped {
        guard let value = self else { throw SegmenterError(.invalidValue, what(), file: file, line: line) }
        return value
    }
}
