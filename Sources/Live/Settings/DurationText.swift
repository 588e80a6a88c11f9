import Packager

/// Durations as settings write them (`--retain-for 7d`, `archive_period: 1h`): a number with a
/// unit, several of them from the largest unit down (`1h30m`, `2m30.5s`), or a plain number of
/// seconds (`90`, `2.5`). Units: `ms`, `s`, `m` (minutes), `h`, `d` (24 h), `w` (7 d).
///
/// Strict, so that a typo is an error at start rather than a surprising limit: no sign, no
/// spaces, no exponent, each unit at most once and in falling order, nothing after the last
/// unit, and nothing above `maximumSeconds`.
public enum DurationText {
    /// Longest accepted duration: a century is beyond any retention or period, and keeps every
    /// millisecond count derived from a duration far inside `Int64`.
    public static let maximumSeconds: Double = 100 * 365 * 86_400
    /// Longest accepted text: nobody writes a duration longer than this, and a bound keeps
    /// the message that quotes it short.
    static let maximumLength = 64

    /// What the error messages show.
    public static let syntax =
        "a number with a unit ms, s, m, h, d or w, several from the largest unit down, or plain seconds (e.g. 10s, 1h30m, 7d, 500ms, 90)"

    /// The units, largest first, with their length in seconds.
    static let units: [(name: String, seconds: Double)] = [
        ("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1), ("ms", 0.001),
    ]

    /// The seconds `text` says. `setting` (e.g. `--retain-for (retain_for)`) starts the message
    /// of the error thrown when `text` is not a duration.
    public static func seconds(parsing text: String, setting: String? = nil) throws(PackagerError) -> Double {
        let prefix = setting.map { "\($0): " } ?? ""
        func refused(_ why: String = "") -> PackagerError {
            let quoted = text.count <= maximumLength ? text : String(text.prefix(maximumLength)) + "…"
            return PackagerError(.invalidConfiguration, "\(prefix)'\(quoted)' is not a duration\(why): write \(syntax)")
        }
        guard text.utf8.count <= maximumLength else { throw refused() }
        var rest = Substring(text)
        var total: Double = 0
        var nextUnit = 0  // units before this one were used or skipped
        var components = 0
        while !rest.isEmpty {
            guard let number = DecimalNumberText.read(from: &rest) else { throw refused() }
            components += 1
            if rest.isEmpty {
                // A plain number is seconds, but only on its own: `1h30` is a typo.
                guard components == 1 else { throw refused(" (a unit is missing after the last number)") }
                total = number.value
                break
            }
            // `ms` before `m`: the longest unit name that matches.
            guard
                let unit = units.indices.filter({ rest.hasPrefix(units[$0].name) }).max(by: {
                    units[$0].name.count < units[$1].name.count
                })
            else { throw refused() }
            guard unit >= nextUnit else { throw refused(" (each unit once, from the largest down)") }
            rest = rest.dropFirst(units[unit].name.count)
            total += number.value * units[unit].seconds
            nextUnit = unit + 1
        }
        guard components > 0 else { throw refused() }
        guard total <= maximumSeconds else {
            throw PackagerError(.invalidConfiguration, "\(prefix)'\(text)' is longer than 100 years")
        }
        return total
    }

    /// `seconds` written back in the syntax's largest whole unit (`90s`, `90m`, `2d`, `500ms`,
    /// `2.5s`): for messages.
    public static func describe(_ seconds: Double) -> String {
        for unit in units where unit.seconds >= 1 && seconds >= unit.seconds {
            let value = seconds / unit.seconds
            if value == value.rounded() { return format(value) + unit.name }
        }
        return seconds > 0 && seconds < 1 ? format(seconds * 1000) + "ms" : format(seconds) + "s"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
