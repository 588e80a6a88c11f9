/// An unsigned decimal number as durations and sizes are written in settings: digits, and
/// optionally a point and more digits (`90`, `1.5`). No sign, no exponent, no leading or
/// trailing point, no separators: what a person writes, and nothing a typo could turn into a
/// different number.
struct DecimalNumberText: Equatable {
    /// The digits before the point.
    var whole: Substring
    /// The digits after the point, without trailing zeros (`1.50` has fraction `5`).
    var fraction: Substring

    /// Reads the number at the start of `text` and moves `text` past it; nil (and `text` as it
    /// was) when `text` does not start with one.
    static func read(from text: inout Substring) -> DecimalNumberText? {
        let whole = text.prefix { $0.isASCII && $0.isNumber }
        guard !whole.isEmpty else { return nil }
        var rest = text[whole.endIndex...]
        var fraction: Substring = ""
        if rest.first == "." {
            let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            fraction = digits
            rest = rest[digits.endIndex...]
        }
        while fraction.last == "0" { fraction = fraction.dropLast() }
        text = rest
        return DecimalNumberText(whole: whole, fraction: fraction)
    }

    /// The value as a `Double` (exact enough for seconds; sizes use `exactly(times:)`).
    var value: Double {
        Double(fraction.isEmpty ? String(whole) : "\(whole).\(fraction)") ?? .infinity
    }

    /// The value times `multiplier` as a whole number: nil when that overflows `Int64` or
    /// leaves a fraction.
    func exactly(times multiplier: Int64) -> Int64? {
        // (whole · 10^k + fraction) · multiplier / 10^k, every step checked.
        var scale: Int64 = 1
        var numerator: Int64 = 0
        for digit in [whole.utf8, fraction.utf8].joined() {
            let (shifted, overflow) = numerator.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (sum, overflowAdding) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflowAdding else { return nil }
            numerator = sum
        }
        for _ in fraction.utf8 {
            let (next, overflow) = scale.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            scale = next
        }
        let (product, overflow) = numerator.multipliedReportingOverflow(by: multiplier)
        guard !overflow, product % scale == 0 else { return nil }
        return product / scale
    }
}
