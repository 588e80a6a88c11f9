import Packager

/// Sizes as settings write them (`--retain-max-size 50GB`, `retain_total_size: 2TiB`): a number
/// and a unit — `B`, `KB` (or `kB`), `MB`, `GB`, `TB` (powers of 1000) or `KiB`, `MiB`, `GiB`,
/// `TiB` (powers of 1024) — or a plain number of bytes (`4000000`).
///
/// Strict, so that a typo is an error at start rather than a surprising limit: no sign, no
/// spaces, no exponent, one unit, a whole number of bytes (`1.5KiB` is 1536 bytes; `0.3KiB` is
/// refused), and nothing over `Int64.max`.
public enum ByteSize {
    /// Longest accepted text: nobody writes a size longer than this, and a bound keeps the
    /// message that quotes it short.
    static let maximumLength = 64

    /// What the error messages show.
    public static let syntax =
        "a whole number of bytes, or a number with a unit B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 4MB, 50GB, 2GiB, 1.5TB"

    /// The units with their bytes.
    static let units: [String: Int64] = [
        "B": 1, "KB": 1_000, "kB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
        "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
    ]

    /// The bytes `text` says. `setting` (e.g. `--retain-max-size (retain_max_size)`) starts the
    /// message of the error thrown when `text` is not a size.
    public static func bytes(parsing text: String, setting: String? = nil) throws(PackagerError) -> Int64 {
        let prefix = setting.map { "\($0): " } ?? ""
        func refused(_ why: String = "") -> PackagerError {
            let quoted = text.count <= maximumLength ? text : String(text.prefix(maximumLength)) + "…"
            return PackagerError(.invalidConfiguration, "\(prefix)'\(quoted)' is not a size\(why): write \(syntax)")
        }
        guard text.utf8.count <= maximumLength else { throw refused() }
        var rest = Substring(text)
        guard let number = DecimalNumberText.read(from: &rest) else { throw refused() }
        let multiplier: Int64
        if rest.isEmpty {
            multiplier = 1
        } else {
            guard let unit = units[String(rest)] else { throw refused() }
            multiplier = unit
        }
        guard let bytes = number.exactly(times: multiplier) else {
            let tooLarge = number.value * Double(multiplier) >= Double(Int64.max)
            throw refused(tooLarge ? " (larger than \(Int64.max) bytes)" : " (not a whole number of bytes)")
        }
        return bytes
    }

    /// `bytes` in the largest decimal unit that writes it exactly (`50GB`, `1500kB`, `123B`),
    /// or in a binary one when that is exact and the decimal is not (`2GiB`): for messages.
    public static func describe(_ bytes: Int64) -> String {
        for (name, size) in [("TB", Int64(1_000_000_000_000)), ("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)]
        where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(name)"
        }
        for (name, size) in [("TiB", Int64(1) << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(name)"
        }
        return "\(bytes)B"
    }
}
