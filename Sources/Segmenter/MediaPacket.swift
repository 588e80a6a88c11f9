/// One access unit of one track, as it travels from an ingest source to the splitter.
///
/// Timestamps are in the track's timescale (`TrackFormat.timescale`). Video payloads are
/// H.264 NAL units with 4-byte big-endian length prefixes (the avcC / ISO 14496-15 layout);
/// audio payloads are raw AAC frames without an ADTS header.
public struct MediaPacket: Sendable, Equatable {
    public var trackID: UInt32
    public var dts: Int64
    public var pts: Int64
    /// The packet's own duration when the source knows it; otherwise the splitter derives it
    /// from the next packet's `dts`.
    public var duration: Int64?
    public var isKeyframe: Bool
    public var data: [UInt8]

    public init(trackID: UInt32, dts: Int64, pts: Int64, duration: Int64? = nil, isKeyframe: Bool, data: [UInt8]) {
        self.trackID = trackID
        self.dts = dts
        self.pts = pts
        self.duration = duration
        self.isKeyframe = isKeyframe
        self.data = data
    }
}
