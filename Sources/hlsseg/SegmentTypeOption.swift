import ArgumentParser

/// FFmpeg's `hls_segment_type`: only fMP4 is written; `mpegts` is refused with a reason.
enum SegmentTypeOption: String, ExpressibleByArgument, CaseIterable {
    case fmp4

    init?(argument: String) {
        guard argument == "fmp4" else { return nil }
        self = .fmp4
    }

    static var allValueStrings: [String] { ["fmp4"] }
}
