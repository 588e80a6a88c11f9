import Live
import Packager
import Testing

/// The duration and size syntax of the command line and `hlsseg.yml` (`DurationText`,
/// `ByteSize`): what each form means, and that everything else is refused with the syntax shown.
@Suite("Durations and sizes in settings")
struct SettingsSyntaxTests {
    static let durations: [(text: String, seconds: Double)] = [
        ("0", 0), ("90", 90), ("2.5", 2.5), ("10s", 10), ("500ms", 0.5), ("1.5s", 1.5), ("2m", 120), ("1h", 3600),
        ("1h30m", 5400), ("7d", 604_800), ("2w", 1_209_600), ("1w2d3h4m5s6ms", 788_645.006), ("1m30.5s", 90.5), ("0.5h", 1800),
        ("1.50s", 1.5), ("36500d", 36500 * 86_400),
    ]

    @Test("durations: every unit, several joined, plain seconds", arguments: durations)
    func duration(text: String, seconds: Double) throws {
        #expect(abs(try DurationText.seconds(parsing: text) - seconds) < 1e-9)
    }

    static let notDurations = [
        "", " ", "s", "h1", "-1s", "+1s", "1 h", " 1h", "1h ", "1x", "1hh", "1.s", ".5s", "1..5s", "1e3", "1e3s", "1h30",
        "30m1h", "1m1m", "1ms1s", "1,5s", "0x10", "1H", "1sec", "1µs", "١s", "36501d", "99999999999999999999w",
        String(repeating: "1", count: 65),
    ]

    @Test(
        "durations: signs, spaces, unknown units, units out of order, a number without a unit after one, too long", arguments: notDurations)
    func notDuration(text: String) {
        #expect {
            _ = try DurationText.seconds(parsing: text, setting: "--retain-for")
        } throws: { error in
            guard let error = error as? PackagerError else { return false }
            return error.code == .invalidConfiguration && error.reason.hasPrefix("--retain-for: ")
                && (error.reason.contains(DurationText.syntax) || error.reason.contains("100 years"))
        }
    }

    static let sizes: [(text: String, bytes: Int64)] = [
        ("0", 0), ("4000000", 4_000_000), ("12B", 12), ("4MB", 4_000_000), ("50GB", 50_000_000_000), ("1TB", 1_000_000_000_000),
        ("3KB", 3000), ("3kB", 3000), ("2KiB", 2048), ("2GiB", 2_147_483_648), ("1TiB", 1_099_511_627_776), ("1.5KiB", 1536),
        ("1.5TB", 1_500_000_000_000), ("0.5MB", 500_000), ("1.000GB", 1_000_000_000), ("9223372036854775807", .max),
        ("8388607TiB", 8_388_607 << 40),
    ]

    @Test("sizes: decimal and binary units, plain bytes, exact fractions", arguments: sizes)
    func size(text: String, bytes: Int64) throws {
        #expect(try ByteSize.bytes(parsing: text) == bytes)
    }

    static let notSizes = [
        "", "B", "MB", "-1MB", "+1MB", "1 MB", "1MB ", "1mb", "1Mb", "1M", "1MiB2", "1GB500MB", "1.5", "0.3KiB", "1.B", ".5GB",
        "1e9", "9223372036854775808", "8388608TiB", "1,5GB", "1KIB", "50G", String(repeating: "1", count: 65),
    ]

    @Test("sizes: signs, spaces, wrong case, several units, fractions of a byte, overflow", arguments: notSizes)
    func notSize(text: String) {
        #expect {
            _ = try ByteSize.bytes(parsing: text, setting: "retain_max_size")
        } throws: { error in
            guard let error = error as? PackagerError else { return false }
            return error.code == .invalidConfiguration && error.reason.hasPrefix("retain_max_size: ")
                && error.reason.contains(ByteSize.syntax)
        }
    }

    @Test("messages write values back in the syntax")
    func describe() throws {
        #expect(DurationText.describe(90) == "90s")
        #expect(DurationText.describe(5400) == "90m")
        #expect(DurationText.describe(7200) == "2h")
        #expect(DurationText.describe(604_800) == "1w")
        #expect(DurationText.describe(0.5) == "500ms")
        #expect(DurationText.describe(2.5) == "2.5s")
        #expect(ByteSize.describe(50_000_000_000) == "50GB")
        #expect(ByteSize.describe(1_000_000) == "1MB")
        #expect(ByteSize.describe(2 << 30) == "2GiB")
        #expect(ByteSize.describe(1234) == "1234B")
        for (text, seconds) in Self.durations where seconds > 0 {
            #expect(abs(try DurationText.seconds(parsing: DurationText.describe(seconds)) - seconds) < 1e-9, "\(text)")
        }
    }
}
