/// `#EXT-X-PROGRAM-DATE-TIME:<date-time-msec>` (RFC 8216 §4.3.2.6): the wall-clock instant of
/// the first sample of a segment, as ISO 8601 with a time zone.
///
/// Kept without Foundation: milliseconds since 1970-01-01T00:00:00Z plus the UTC offset the
/// text was written with, so `+02:00` survives a round trip. Writing always uses milliseconds
/// and spells a zero offset `Z`; parsing accepts `Z`, `±hh:mm`, `±hhmm`, `±hh`, no zone (read
/// as UTC), and any number of fraction digits (truncated to milliseconds).
public struct ProgramDateTime: Sendable, Hashable {
    /// Milliseconds since the Unix epoch (UTC).
    public var millisecondsSinceEpoch: Int64
    /// The offset from UTC, in minutes, used when writing (east positive).
    public var utcOffsetMinutes: Int

    /// The largest offset accepted: ISO 8601 allows ±23:59.
    public static let maxUTCOffsetMinutes = 23 * 60 + 59

    public init(millisecondsSinceEpoch: Int64, utcOffsetMinutes: Int = 0) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    // Not Comparable: equality includes the offset, so "same instant" is not "equal".
    // Compare `millisecondsSinceEpoch` to order instants.

    /// The same offset, `seconds` later (rounded to the millisecond).
    public func adding(seconds: Double) -> ProgramDateTime {
        let delta = (seconds * 1000).rounded()
        guard delta.isFinite, abs(delta) < 9.0e15 else { return self }
        return ProgramDateTime(
            millisecondsSinceEpoch: millisecondsSinceEpoch + Int64(delta), utcOffsetMinutes: utcOffsetMinutes)
    }

    // MARK: Writing

    /// `YYYY-MM-DDThh:mm:ss.sssZ` or `…±hh:mm`.
    public var iso8601: String {
        let offsetMs = Int64(utcOffsetMinutes) * 60_000
        let (local, overflow) = millisecondsSinceEpoch.addingReportingOverflow(offsetMs)
        let localMs = overflow ? millisecondsSinceEpoch : local
        let days = Self.floorDiv(localMs, 86_400_000)
        let msOfDay = localMs - days * 86_400_000
        let (year, month, day) = Self.civil(fromDays: days)
        var s = ""
        s += Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
        s += "T" + Self.pad(Int64(msOfDay / 3_600_000), 2)
        s += ":" + Self.pad(Int64(msOfDay / 60_000 % 60), 2)
        s += ":" + Self.pad(Int64(msOfDay / 1000 % 60), 2)
        s += "." + Self.pad(Int64(msOfDay % 1000), 3)
        if utcOffsetMinutes == 0 || overflow {
            s += "Z"
        } else {
            let magnitude = abs(utcOffsetMinutes)
            s += (utcOffsetMinutes < 0 ? "-" : "+")
            s += Self.pad(Int64(magnitude / 60), 2) + ":" + Self.pad(Int64(magnitude % 60), 2)
        }
        return s
    }

    // MARK: Parsing

    /// Parses ISO 8601 as HLS writers produce it; nil when it is not a valid date-time.
    public init?(iso8601 text: some StringProtocol) {
        var s = Array(text.utf8)
        while let last = s.last, last == 0x20 || last == 0x09 { s.removeLast() }
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var v = 0
            for k in i..<(i + digits) {
                let c = s[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += digits
            return v
        }
        func expect(_ options: [UInt8]) -> Bool {
            guard i < s.count, options.contains(s[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect([0x2D]), let month = number(2), expect([0x2D]),
            let day = number(2), expect([0x54, 0x74, 0x20]),  // T, t, space
            let hour = number(2), expect([0x3A]), let minute = number(2), expect([0x3A]),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var millis = 0
        if i < s.count, s[i] == 0x2E || s[i] == 0x2C {  // . or ,
            i += 1
            var digits = 0
            while i < s.count, s[i] >= 0x30, s[i] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int(s[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            var scaled = min(digits, 3)
            while scaled < 3 {
                millis *= 10
                scaled += 1
            }
        }
        var offset = 0
        if i < s.count {
            if s[i] == 0x5A || s[i] == 0x7A {  // Z, z
                i += 1
            } else if s[i] == 0x2B || s[i] == 0x2D {  // + or -
                let negative = s[i] == 0x2D
                i += 1
                guard let hh = number(2) else { return nil }
                var mm = 0
                if i < s.count {
                    _ = expect([0x3A])
                    guard let m = number(2) else { return nil }
                    mm = m
                }
                guard hh <= 23, mm <= 59 else { return nil }
                offset = (hh * 60 + mm) * (negative ? -1 : 1)
            } else {
                return nil
            }
        }
        guard i == s.count else { return nil }
        let days = Self.days(fromCivil: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset * 60)
        self.init(millisecondsSinceEpoch: seconds * 1000 + Int64(millis), utcOffsetMinutes: offset)
    }

    // MARK: Proleptic Gregorian calendar arithmetic (400-year eras of 146 097 days)

    static func days(fromCivil year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9  // March = 0
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468  // 719 468 days from 0000-03-01 to 1970-01-01
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(abs(value))
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + padding + digits
    }
}
