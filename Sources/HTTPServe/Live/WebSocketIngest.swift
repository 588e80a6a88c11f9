import Hummingbird
import HummingbirdWebSocket
import Ingest
import Logging

/// `/ingest/<stream>`: one encoded frame per binary WebSocket message (format: docs/ingest.md,
/// `FrameMessage`). Auth as for RTMP: `?token=` or `Authorization: Bearer`.
struct WebSocketIngest: Sendable {
    let hub: LiveHub
    let logger: Logger

    /// The largest WebSocket frame and message the server accepts: `FrameMessage.maximumMessageLength`
    /// (8 MiB, as RTMP's message limit): a 4K keyframe of several hundred KB fits many times
    /// over, and a connection cannot make the server buffer more than this for one message.
    static let maximumMessageLength = FrameMessage.maximumMessageLength

    func addRoutes(to router: Router<ServeRequestContext>) {
        router.ws("/ingest/:stream") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, context in
            _ = outbound
            let request = context.request
            let name = context.requestContext.parameters.get("stream") ?? ""
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            var bearer: String?
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                bearer = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            }
            let publish = PublishRequest(app: "ingest", streamName: name, query: query, bearerToken: bearer, remoteAddress: "websocket")
            switch await hub.publish(publish) {
            case .refuse(let refusal):
                logger.warning("websocket ingest: publish of \(name) refused: \(refusal.reason)")
                return
            case .accept(let sink):
                var session = FrameIngestSession()
                let clock = ContinuousClock()
                let start = clock.now
                var endReason: String?
                do {
                    for try await message in inbound.messages(maxSize: Self.maximumMessageLength) {
                        guard case .binary(let buffer) = message else { continue }
                        let elapsed = start.duration(to: clock.now)
                        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
                        do {
                            for event in try session.receive(Array(buffer.readableBytesView), arrivalMicroseconds: micros) {
                                if !sink.send(event) { await sink.waitForRoom() }  // stop reading the socket meanwhile
                            }
                        } catch {
                            endReason = "\(error)"
                            logger.warning("websocket ingest \(name): closing: \(error)")
                            break
                        }
                    }
                } catch {
                    endReason = endReason ?? "\(error)"
                }
                for event in session.finish() { sink.send(event) }
                sink.finish(reason: endReason)
            }
        }
    }
}
