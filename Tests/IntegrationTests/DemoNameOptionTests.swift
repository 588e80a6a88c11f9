import Foundation
import TestSupport
import Testing

/// `hlsseg serve --demo-name` follows the one stream-name rule (docs/ingest.md, "Stream names").
@Suite("--demo-name follows the stream-name rule", .timeLimit(.minutes(2)))
struct DemoNameOptionTests {
    @Test(
        "a name the rule refuses is refused before anything starts",
        arguments: StreamNameTable.refused.map(\.name).filter { !$0.contains("\u{0}") })
    func refused(name: String) async throws {
        let root = try TestScratch.directory("serve-bad-demo-name").appendingPathComponent("streams")
        let result = try await Subprocess.run(
            try Tools.hlsseg(), ["serve", "--root", root.path, "--http-port", "0", "--demo", "--demo-name", name], timeout: .seconds(30))
        #expect(!result.succeeded && !result.timedOut, "\(result.summary)")
        #expect(result.stderrLines.joined(separator: "\n").contains("--demo-name must be a stream name"), "\(result.summary)")
    }
}
