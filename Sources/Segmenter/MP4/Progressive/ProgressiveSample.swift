/// One sample of a progressive MP4 track, in decode order: what the sample tables record of
/// it. 16 bytes, so a one-hour 60 fps export keeps 216,000 of these in 3.5 MB; the sample's
/// bytes stay where they are (in the segments) until the file is written.
public struct ProgressiveSample: Sendable, Equatable {
    /// Decode duration, track ticks.
    public var duration: UInt32
    /// Bytes.
    public var size: UInt32
    /// Presentation minus decode time, track ticks (negative for a frame shown before it is decoded
    /// on a timeline that starts at the first presentation).
    public var compositionOffset: Int32
    /// A random access point (an IDR frame; every audio sample).
    public var isSync: Bool

    public init(duration: UInt32, size: UInt32, compositionOffset: Int32 = 0, isSync: Bool) {
        self.duration = duration
        self.size = size
        self.compositionOffset = compositionOffset
        self.isSync = isSync
    }
}
