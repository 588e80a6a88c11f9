import Foundation
import Live
import Packager
import Testing

/// Archive and retention settings in `hlsseg.yml` (`archive_period`, `dvr_window`, `retain_*`,
/// globally and per stream), and the limits refused at start.
@Suite("Retention configuration")
struct RetentionConfigTests {
    static func configuration(_ json: String) throws -> LiveConfiguration {
        try JSONDecoder().decode(LiveConfigFile.self, from: Data(json.utf8)).liveConfiguration()
    }

    @Test("defaults: archives rotate hourly with a 2-h DVR window, and nothing is removed")
    func defaults() throws {
        let configuration = try Self.configuration("{}")
        #expect(configuration.archivePeriod == 3600 && configuration.dvrWindow == 7200)
        #expect(configuration.retention(for: "cam").isEmpty && configuration.retainTotalSize == nil)
        #expect(!configuration.hasRetention)
        try configuration.checkArchiveLimits()
    }

    @Test("global keys, a stream's own keys replacing them one by one, text and bare numbers")
    func keys() throws {
        let configuration = try Self.configuration(
            """
            {"archive_period": "30m", "dvr_window": 600, "retain_for": "7d", "retain_max_size": "50GB", "retain_total_size": 500000000000,
             "streams": {"cam1": {"retain_for": "1h30m"}, "cam2": {"retain_max_size": "2GiB", "hls_time": 6}}}
            """)
        #expect(configuration.archivePeriod == 1800 && configuration.dvrWindow == 600)
        #expect(configuration.retention(for: "other") == RetentionLimits(maxAge: 604_800, maxSize: 50_000_000_000))
        #expect(configuration.retention(for: "cam1") == RetentionLimits(maxAge: 5400, maxSize: 50_000_000_000))
        #expect(configuration.retention(for: "cam2") == RetentionLimits(maxAge: 604_800, maxSize: 2 << 30))
        #expect(configuration.retainTotalSize == 500_000_000_000)
        #expect(configuration.hasRetention)
        try configuration.checkArchiveLimits()
        #expect(try Self.configuration(#"{"archive_period": 0}"#).archivePeriod == 0, "0: no rotation")
    }

    @Test(
        "bad syntax names the key and shows the syntax",
        arguments: [
            (#"{"retain_for": "7 days"}"#, "retain_for: '7 days' is not a duration"),
            (#"{"retain_max_size": "50gb"}"#, "retain_max_size: '50gb' is not a size"),
            (#"{"retain_total_size": -1}"#, "retain_total_size: '-1' is not a size"),
            (#"{"archive_period": "1h-"}"#, "archive_period: '1h-' is not a duration"),
            (#"{"dvr_window": "2.5.h"}"#, "dvr_window: '2.5.h' is not a duration"),
            (#"{"streams": {"cam": {"retain_for": "x"}}}"#, "streams.cam.retain_for: 'x' is not a duration"),
            (#"{"streams": {"cam": {"retain_max_size": "1.5"}}}"#, "streams.cam.retain_max_size: '1.5' is not a size"),
        ])
    func badSyntax(json: String, message: String) throws {
        #expect {
            _ = try Self.configuration(json)
        } throws: { error in
            guard let error = error as? PackagerError else { return false }
            return error.code == .invalidConfiguration && error.reason.hasPrefix(message) && error.reason.contains("e.g.")
        }
    }

    @Test(
        "limits that cannot work are refused at start with the flag, the key and the reason",
        arguments: [
            (#"{"retain_for": "1s"}"#, "--retain-for (retain_for) 1s is shorter than one segment of the default HLS options (hls_time 2s)"),
            (
                #"{"streams": {"cam": {"hls_time": 10, "retain_for": "9s"}}}"#,
                "--retain-for (retain_for) 9s is shorter than one segment of stream cam"
            ),
            (
                #"{"retain_for": "5s", "streams": {"cam": {"hls_time": 6}}}"#,
                "--retain-for (retain_for) 5s is shorter than one segment of stream cam"
            ),
            (
                #"{"retain_max_size": "999999"}"#,
                "--retain-max-size (retain_max_size) of the default HLS options is 999999B; it must be at least 1MB"
            ),
            (#"{"streams": {"cam": {"retain_max_size": "512KiB"}}}"#, "--retain-max-size (retain_max_size) of stream cam is 512KiB"),
            (#"{"retain_total_size": "100kB"}"#, "--retain-total-size (retain_total_size) is 100kB; it must be at least 1MB"),
            (#"{"archive_period": "1s"}"#, "--archive-period (archive_period) 1s is shorter than one segment"),
            (
                #"{"archive_period": "1m", "streams": {"cam": {"hls_time": 90}}}"#,
                "--archive-period (archive_period) 1m is shorter than one segment of stream cam"
            ),
            (
                #"{"dvr_window": "5s"}"#,
                "--dvr-window (dvr_window) 5s is shorter than three segments of the default HLS options (3 × hls_time = 6s)"
            ),
            (
                #"{"archive_period": 0, "retain_for": "1d"}"#,
                "retention (--retain-for, --retain-max-size, --retain-total-size) needs archive rotation"
            ),
            (
                #"{"archive_period": 0, "retain_total_size": "1GB"}"#,
                "retention (--retain-for, --retain-max-size, --retain-total-size) needs archive rotation"
            ),
        ])
    func refused(json: String, message: String) throws {
        let configuration = try Self.configuration(json)
        #expect {
            try configuration.checkArchiveLimits()
        } throws: { error in
            guard let error = error as? PackagerError else { return false }
            return error.code == .invalidConfiguration && error.reason.hasPrefix(message)
        }
    }

    @Test("the smallest limits that work are accepted")
    func smallest() throws {
        try Self.configuration(
            #"{"retain_for": "2s", "retain_max_size": "1MB", "retain_total_size": 1000000, "dvr_window": "6s", "archive_period": "2s"}"#
        )
        .checkArchiveLimits()
        try Self.configuration(#"{"archive_period": 0, "dvr_window": "1s"}"#).checkArchiveLimits()  // no rotation: no DVR window
    }
}
