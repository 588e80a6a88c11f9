import Foundation
import HummingbirdTesting
import Ingest
import Logging
import TestSupport
import Testing

@testable import HTTPServe

/// The HTTP routes that take a stream name follow the one stream-name rule (`StreamName`):
/// a folder under the root whose name the rule refuses is not a stream, even with a playlist.
@Suite("Stream names on the HTTP routes", .serialized, .timeLimit(.minutes(2)))
struct StreamNameRouteTests {
    /// Names a folder can have that the file-name rule (`SafePath`) takes but the stream-name
    /// rule refuses.
    static let folderNamesRefused = ["a~b", StreamNameTable.longest + "a"]

    @Test("/hls/<stream>/… and /api/streams[/<name>] take accepted names and refuse the others")
    func filesAndAPI() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let accepted = ["cam1", "a..b", StreamNameTable.longest]
        for name in accepted + Self.folderNamesRefused { try fixture.makeSimpleStream(name) }
        try await fixture.app().test(.router) { client in
            for name in accepted {
                try await client.execute(uri: "/hls/\(name)/index.m3u8", method: .get) { #expect($0.status == .ok, "\(name)") }
                try await client.execute(uri: "/api/streams/\(name)", method: .get) { #expect($0.status == .ok, "\(name)") }
            }
            for name in Self.folderNamesRefused {
                try await client.execute(uri: "/hls/\(name)/index.m3u8", method: .get) { #expect($0.status == .notFound, "\(name)") }
                try await client.execute(uri: "/api/streams/\(name)", method: .get) { #expect($0.status == .notFound, "\(name)") }
            }
            try await client.execute(uri: "/api/streams", method: .get) { response in
                let list = try JSONDecoder().decode(HLSServer.StreamList.self, from: Data(response.body.readableBytesView))
                #expect(list.streams.map(\.name) == accepted.sorted())
            }
        }
    }

    @Test("the stream part of /hls/ paths follows the rule; file names keep the wider file-name rule")
    func hlsComponents() {
        for name in StreamNameTable.accepted {
            guard case .success(let parts) = SafePath.hlsComponents("/hls/\(name)/a~b.m4s") else {
                Issue.record("refused /hls/\(name)/a~b.m4s")
                continue
            }
            #expect(parts.stream == name && parts.file == "a~b.m4s")
        }
        for name in StreamNameTable.refused.map(\.name) where !name.contains("/") {
            guard case .failure = SafePath.hlsComponents("/hls/\(name)/seg0.m4s") else {
                Issue.record("took /hls/\(name)/seg0.m4s")
                continue
            }
        }
    }

    @Test("/ingest/<stream> refuses a name the rule refuses, whatever handler is behind it")
    func webSocketIngest() async throws {
        let log = RecordingLogHandler.Lines()
        try await WebSocketProtocolTests.withServer(logger: log.logger()) { port, _ in
            let closes = try await RawHTTPClient.run {
                try ["a~b", StreamNameTable.longest + "a", ".hidden"].map { name in
                    try RawWebSocket(port: port, path: "/ingest/\(name)").readClose()
                }
            }
            for close in closes {
                #expect(close.code == 1008)
                #expect(close.reason.contains("not allowed"), "\(close.reason)")
            }
        }
    }
}
