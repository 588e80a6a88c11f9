import Foundation
import Ingest
import Live
import Logging
import TestSupport
import Testing

/// The live hub and `hlsseg.yml` follow the one stream-name rule (`StreamName`).
@Suite("Stream names in the live hub and the configuration file")
struct LiveStreamNameTests {
    @Test("the hub refuses every name the rule refuses, with the rule in its reason")
    func hubRefuses() async throws {
        let root = try LiveFixtures.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var logger = Logger(label: "live-stream-name-test")
        logger.logLevel = .error
        let hub = LiveHub(root: root, configuration: LiveConfiguration(), logger: logger)
        for name in StreamNameTable.refused.map(\.name) {
            let decision = await hub.publish(PublishRequest(app: "live", streamName: name, remoteAddress: "test"))
            guard case .refuse(let refusal) = decision else {
                Issue.record("accepted \(name)")
                continue
            }
            #expect(refusal.reason.contains(StreamName.rule), "\(refusal.reason)")
        }
        await hub.finishAll()
    }

    @Test("streams: keys follow the rule", arguments: [("cam1", true), ("a~b", false), ("é", false), (".x", false)])
    func configurationKeys(name: String, accepted: Bool) throws {
        let text = "{\"streams\": {\"\(name)\": {}}}"
        let file = try JSONDecoder().decode(LiveConfigFile.self, from: Data(text.utf8))
        #expect(((try? file.liveConfiguration()) != nil) == accepted, "\(name)")
    }
}
