import Testing

@testable import Playlist

@Suite struct ProgramDateTimeTests {
    @Test(arguments: [
        // (text, ms since epoch, offset minutes, canonical text)
        ("1970-01-01T00:00:00Z", Int64(0), 0, "1970-01-01T00:00:00.000Z"),
        ("1969-12-31T23:59:59.999Z", -1, 0, "1969-12-31T23:59:59.999Z"),
        ("2000-02-29T12:00:00.5+00:00", 951_825_600_500, 0, "2000-02-29T12:00:00.500Z"),
        ("2026-11-21T19:35:55.123+0000", 1_795_289_755_123, 0, "2026-11-21T19:35:55.123Z"),
        ("2026-11-21T21:35:55.123+02:00", 1_795_289_755_123, 120, "2026-11-21T21:35:55.123+02:00"),
        ("2026-11-21T14:05:55.123-05:30", 1_795_289_755_123, -330, "2026-11-21T14:05:55.123-05:30"),
        ("2026-01-01T00:30:00+01", 1_767_223_800_000, 60, "2026-01-01T00:30:00.000+01:00"),
        ("2100-03-01T00:00:00Z", 4_107_542_400_000, 0, "2100-03-01T00:00:00.000Z"),
        ("1600-02-29T00:00:00Z", -11_670_998_400_000, 0, "1600-02-29T00:00:00.000Z"),
    ])
    // Expected instants checked with GNU `date -u -d <text> +%s`.
    func parseAndWrite(_ text: String, _ ms: Int64, _ offset: Int, _ canonical: String) throws {
        let date = try #require(ProgramDateTime(iso8601: text))
        #expect(date.millisecondsSinceEpoch == ms)
        #expect(date.utcOffsetMinutes == offset)
        #expect(date.iso8601 == canonical)
        #expect(ProgramDateTime(iso8601: canonical) == date)
    }

    @Test(arguments: [
        "", "2026", "2026-11-21", "2026-11-21T19:35", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-11-21T19:60:00Z", "2026-11-21T19:35:55.Z", "2026-11-21T19:35:55+2400",
        "2026-11-21T19:35:55Zjunk", "2026-11-21T19:35:55+0", "２０２６-11-21T19:35:55Z", "2026/11/21T19:35:55Z",
    ])
    func rejects(_ text: String) {
        #expect(ProgramDateTime(iso8601: text) == nil)
    }

    @Test func everyDayOfFourHundredYearsRoundTrips() {
        var previous: Int64?
        for days in Int64(-146_097)...Int64(146_097) {
            let (y, m, d) = ProgramDateTime.civil(fromDays: days)
            #expect(ProgramDateTime.days(fromCivil: y, month: m, day: d) == days)
            if let previous { #expect(days == previous + 1) }
            previous = days
            if days % 997 == 0 {
                let date = ProgramDateTime(millisecondsSinceEpoch: days * 86_400_000 + 45_296_789)
                #expect(ProgramDateTime(iso8601: date.iso8601) == date)
            }
        }
    }

    @Test func addingSecondsKeepsTheOffset() {
        let date = ProgramDateTime(millisecondsSinceEpoch: 1000, utcOffsetMinutes: 60)
        #expect(date.adding(seconds: 2.0005) == ProgramDateTime(millisecondsSinceEpoch: 3001, utcOffsetMinutes: 60))
        #expect(date.adding(seconds: .nan) == date)
    }
}
