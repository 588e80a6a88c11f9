import Ingest
import TestSupport
import Testing

@Suite("The one stream-name rule")
struct StreamNameTests {
    @Test("accepted names", arguments: StreamNameTable.accepted)
    func accepted(name: String) {
        #expect(StreamName.isValid(name))
        #expect(StreamName.isValid(Substring(name)))
        #expect(StreamName.refusalReason(name) == nil)
    }

    @Test("refused names", arguments: StreamNameTable.refused.map(\.name))
    func refused(name: String) throws {
        #expect(!StreamName.isValid(name))
        let reason = try #require(StreamName.refusalReason(name))
        #expect(reason.contains(StreamName.rule))
    }

    @Test func theLimitIsSixtyFourBytesNotCharacters() {
        #expect(StreamName.maximumLength == 64)
        #expect(StreamName.isValid(StreamNameTable.longest))
        #expect(!StreamName.isValid(StreamNameTable.longest + "a"))
    }
}
