/// Numbers as RFC 8216 writes them (§4.2), without Foundation: `decimal-integer` is `[0-9]+`,
/// `decimal-floating-point` is `[0-9]+(.[0-9]*)?` (we also read `.5`).
enum DecimalText {
    /// Largest value read: beyond this a sequence number or duration is garbage, not media.
    static let maxIntegerDigits = 18

    static func integer(_ text: some StringProtocol) -> Int? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maxIntegerDigits else { return nil }
        var value = 0
        for c in utf8 {
            guard c >= 0x30, c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }

    static func floatingPoint(_ text: some StringProtocol) -> Double? {
        var digits = 0
        var dots = 0
        for c in text.utf8 {
            if c == 0x2E {
                dots += 1
            } else if c >= 0x30, c <= 0x39 {
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, dots <= 1, digits <= 40 else { return nil }
        return Double(String(text))
    }

    /// Microseconds, rounded; negative and non-finite values count as 0, huge ones are capped.
    static func microseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        let micros = (seconds * 1_000_000).rounded()
        return micros < 9.0e18 ? Int64(micros) : 9_000_000_000_000_000_000
    }

    /// Seconds as written by `seconds(_:)` and then rounded to the nearest integer (half up).
    static func roundedSeconds(_ seconds: Double) -> Int {
        let micros = microseconds(seconds)
        return Int((micros + 500_000) / 1_000_000)
    }

    /// `2.000`, `2.002`, `1.966667`: six decimals, trailing zeros trimmed down to three.
    static func seconds(_ seconds: Double) -> String {
        let micros = microseconds(seconds)
        var fraction = String(micros % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 3, fraction.last == "0" { fraction.removeLast() }
        return "\(micros / 1_000_000).\(fraction)"
    }

    /// Exactly three decimals (`FRAME-RATE`: "rounded to three decimal places").
    static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.000" }
        let millis = value * 1000 < 9.0e18 ? Int64((value * 1000).rounded()) : 9_000_000_000_000_000_000
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
