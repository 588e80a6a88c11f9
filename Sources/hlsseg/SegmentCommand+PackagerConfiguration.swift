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
            baseURL: hlsBaseURL, initTime: hlsInitTime, multivariantPlaylistName: masterPlName)
    }
}
