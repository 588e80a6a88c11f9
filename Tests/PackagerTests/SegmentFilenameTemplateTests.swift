import Testing

@testable import Packager

@Suite("hls_segment_filename templates")
struct SegmentFilenameTemplateTests {
    @Test(arguments: [
        ("seg%d.m4s", 7, "seg7.m4s"),
        ("seg%05d.m4s", 42, "seg00042.m4s"),
        ("%d", 0, "0"),
        ("100%%_%03d.m4s", 5, "100%_005.m4s"),
        ("seg%02d.m4s", 1234, "seg1234.m4s"),
    ])
    func formats(pattern: String, number: Int, expected: String) throws {
        #expect(try SegmentFilenameTemplate(pattern).filename(for: number) == expected)
    }

    @Test(arguments: ["seg.m4s", "seg%d_%d.m4s", "seg%s.m4s", "dir/seg%d.m4s", "seg%99d.m4s", "seg%"])
    func rejects(pattern: String) {
        #expect(throws: PackagerError.self) { try SegmentFilenameTemplate(pattern) }
    }
}
