/// Splits a run of bytes into whole MPEG audio (Layer III) frames at their headers, as
/// containers that pack several frames into one packet (or one FLV tag) need. Pure: it only
/// reports where the frames are; the caller copies them and decides what skipped bytes mean.
public enum MPEGAudioFrameSplitter {
    /// One whole frame: its bytes within the split run and its parsed header.
    public struct Frame: Sendable, Equatable {
        public var range: Range<Int>
        public var header: MPEGAudioFrameHeader
    }

    /// What `split` found.
    public struct Split: Sendable, Equatable {
        /// The whole frames, in order.
        public var frames: [Frame] = []
        /// Bytes that start no frame and were stepped over one at a time.
        public var skipped = 0
        /// With `keepingPartialFrame`: where a frame starts whose header parses but whose bytes
        /// run past the end (the rest comes with the next packet); nil when the run ends on a frame.
        public var partialFrameStart: Int?
        /// Why the bytes at offset 0 are no frame header (nil when they are one).
        public var errorAtStart: SegmenterError?
    }

    /// Walks `bytes` from the start: a header that parses, with its whole frame inside `bytes`,
    /// is a frame; any other byte is skipped. With `keepingPartialFrame`, a header whose frame
    /// runs past the end, or the last bytes too few for a header, stop the walk
    /// (`partialFrameStart`); without it, those bytes are skipped like garbage.
    public static func split(_ bytes: UnsafeRawBufferPointer, keepingPartialFrame: Bool) -> Split {
        var split = Split()
        var offset = 0
        while offset < bytes.count {
            let header: MPEGAudioFrameHeader
            do {
                header = try MPEGAudioFrameHeader.parse(bytes[offset...])
            } catch {
                if keepingPartialFrame, bytes.count - offset < MPEGAudioFrameHeader.headerLength {
                    split.partialFrameStart = offset  // a header cut short: the next packet holds its rest
                    return split
                }
                if offset == 0 { split.errorAtStart = error as? SegmenterError }
                split.skipped += 1
                offset += 1
                continue
            }
            guard offset + header.frameLength <= bytes.count else {
                if keepingPartialFrame {
                    split.partialFrameStart = offset
                    return split
                }
                split.skipped += 1
                offset += 1
                continue
            }
            split.frames.append(Frame(range: offset..<(offset + header.frameLength), header: header))
            offset += header.frameLength
        }
        return split
    }
}
