/// One track of a progressive MP4: the `trak` of an initialization segment as a template, the
/// samples, and where presentation starts and ends (the track's edit list).
public struct ProgressiveTrack: Sendable {
    /// The init segment's `trak` (ours or another tool's): tkhd, mdhd (timescale, language),
    /// hdlr, vmhd/smhd, dinf and stsd are kept as they are; the sample tables, durations and
    /// the edit list are computed.
    public var template: TrackBox
    /// Decode order; the first sample's decode time is the track's media time 0.
    public var samples: [ProgressiveSample]
    /// Media time (track ticks) where presentation starts: the edit's media_time.
    public var presentationStart: Int64
    /// Track ticks of media presented from presentationStart; nil: up to the end of the
    /// last sample's presentation.
    public var presentationDuration: UInt64?
    /// Movie-timescale ticks before this track's presentation starts (an empty edit,
    /// media_time -1): keeps audio/video offsets of the source.
    public var startDelay: UInt64

    public init(
        template: TrackBox, samples: [ProgressiveSample], presentationStart: Int64 = 0, presentationDuration: UInt64? = nil,
        startDelay: UInt64 = 0
    ) {
        self.template = template
        self.samples = samples
        self.presentationStart = presentationStart
        self.presentationDuration = presentationDuration
        self.startDelay = startDelay
    }

    /// Track ticks per second, from the template's `mdhd`.
    var timescale: UInt32 { template.media.header.timescale }

    /// Whether the template's handler is `vide`: only video tracks get an `stss`.
    var isVideo: Bool { template.media.handler.handlerType == HandlerBox.video }
}
