/// One sample as it goes into a `trun`: timing relative to the track's decode timeline and its bytes.
public struct Sample: Sendable, Equatable {
    /// Decode duration in track ticks.
    public var duration: UInt32
    /// Presentation time minus decode time, in track ticks; negative for B-frames whose
    /// decode timeline was shifted so that the first frame presents at its decode time.
    public var compositionOffset: Int32
    public var isSync: Bool
    public var data: [UInt8]

    public init(duration: UInt32, compositionOffset: Int32 = 0, isSync: Bool, data: [UInt8]) {
        self.duration = duration
        self.compositionOffset = compositionOffset
        self.isSync = isSync
        self.data = data
    }
}

/// The samples of one track within one segment, starting at `baseMediaDecodeTime` (the `tfdt`).
public struct TrackFragment: Sendable, Equatable {
    public var trackID: UInt32
    public var baseMediaDecodeTime: UInt64
    public var samples: [Sample]

    public init(trackID: UInt32, baseMediaDecodeTime: UInt64, samples: [Sample]) {
        self.trackID = trackID
        self.baseMediaDecodeTime = baseMediaDecodeTime
        self.samples = samples
    }

    /// The decode duration of all samples, in track ticks.
    public var duration: UInt64 { samples.reduce(0) { $0 + UInt64($1.duration) } }
    public var dataSize: Int { samples.reduce(0) { $0 + $1.data.count } }
}
