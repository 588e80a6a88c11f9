import ArgumentParser
import Foundation
import Packager

extension SegmentCommand {
    /// The packager configuration the options describe (validated in `validate()`).
    func packagerConfiguration() throws -> PackagerConfiguration {
        let flags = try HLSFlags(parsing: hlsFlags)
        let now = Date().timeIntervalSince1970
        let start = hlsStartNumberSource.source.startNumber(
            startNumber: startNumber, microsecondsSinceEpoch: Int64((now * 1_000_000).rounded()),
            utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60)
        return PackagerConfiguration(
            hlsTime: hlsTime, playlistType: hlsPlaylistType.playlistType, playlistName: playlistName,
            segmentFilename: try SegmentFilenameTemplate(hlsSegmentFilename), initFilename: hlsFmp4InitFilename,
            startNumber: start, listSize: hlsListSize, flags: flags, deleteThreshold: hlsDeleteThreshold,
            baseURL: hlsBaseURL, initTime: hlsInitTime)
    }
}

enum StartNumberSourceOption: String, ExpressibleByArgument, CaseIterable {
    case generic, epoch
    case epochMicroseconds = "epoch_us"
    case datetime

    var source: StartNumberSource {
        switch self {
        case .generic: .generic
        case .epoch: .epoch
        case .epochMicroseconds: .epochMicroseconds
        case .datetime: .datetime
        }
    }
}

/// FFmpeg's `hls_segment_type`: only fMP4 is written; `mpegts` is refused with a reason.
enum SegmentTypeOption: String, ExpressibleByArgument, CaseIterable {
    case fmp4

    init?(argument: String) {
        guard argument == "fmp4" else { return nil }
        self = .fmp4
    }

    static var allValueStrings: [String] { ["fmp4"] }
}
