import Testing

@testable import Ingest

@Suite("AMF0")
struct AMF0Tests {
    /// One table, both directions: value → exact bytes, bytes → value.
    static let golden: [(AMF0Value, [UInt8])] = [
        (.number(1), [0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0]),
        (.boolean(true), [0x01, 0x01]),
        (.string("ab"), [0x02, 0x00, 0x02, 0x61, 0x62]),
        (.null, [0x05]),
        (.undefined, [0x06]),
        (.object([("a", .number(0))]), [0x03, 0x00, 0x01, 0x61, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x09]),
        (.ecmaArray([("x", .boolean(false))]), [0x08, 0, 0, 0, 1, 0x00, 0x01, 0x78, 0x01, 0x00, 0x00, 0x00, 0x09]),
        (.strictArray([.null, .string("")]), [0x0A, 0, 0, 0, 2, 0x05, 0x02, 0x00, 0x00]),
        (.date(0), [0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ]

    @Test("golden values encode to exact bytes and decode back")
    func golden() throws {
        for (value, bytes) in Self.golden {
            #expect(AMF0.encode([value]) == bytes)
            #expect(try AMF0.decodeAll(bytes) == [value])
        }
    }

    @Test("long string decodes")
    func longString() throws {
        #expect(try AMF0.decodeAll([0x0C, 0, 0, 0, 1, 0x41]) == [.string("A")])
    }

    @Test("truncation sweep: every proper prefix of a command fails cleanly or decodes fewer values")
    func truncation() {
        let bytes = AMF0.encode([
            .string("connect"), .number(1), .object([("app", .string("live")), ("nested", .object([("k", .strictArray([.number(2)]))]))]),
        ])
        for cut in 1..<bytes.count {
            let values = try? AMF0.decodeAll(bytes[..<cut])
            #expect((values?.count ?? 0) < 3)
        }
    }

    @Test("depth limit, unknown markers and references are refused")
    func hostile() {
        let deep: [UInt8] = [0x0A, 0, 0, 0, 1]
        var nested: [UInt8] = []
        for _ in 0...RTMPLimits.maximumAMFDepth { nested += deep }
        nested.append(0x05)
        #expect(ingestErrorCode { _ = try AMF0.decodeAll(nested) } == .limitExceeded)
        #expect(ingestErrorCode { _ = try AMF0.decodeAll([0x07, 0, 1]) } == .invalidStream)
        #expect(ingestErrorCode { _ = try AMF0.decodeAll([0x0A, 0xFF, 0xFF, 0xFF, 0xFF]) } == .limitExceeded)
        #expect(ingestErrorCode { _ = try AMF0.decodeAll([0x02, 0x00, 0x05, 0x61]) } == .invalidStream)  // string cut off
    }
}
