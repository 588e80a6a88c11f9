import Hummingbird
import HummingbirdWebSocket
import Ingest
import Logging
import NIOWebSocket

/// `/ingest/<stream>`: one encoded frame per binary WebSocket message (format: docs/ingest.md,
/// `FrameMessage`), published through `handler` (in `hlsseg serve`, the live hub), which
/// decides who may publish: `?token=` or `Authorization: Bearer`, as for RTMP.
///
/// How a connection ends, and what is logged (warning level for everything but a normal close):
///
/// | end | close code sent | log |
/// |---|---|---|
/// | the client closes with 1000, 1001 or no code | 1000 | — |
/// | a message that is not a frame message (`FrameMessage` or the session refuses it) | 1007 | the parse error |
/// | a text message | 1003 | "text message" |
/// | publish refused (token, stream already live) | 1008 | the refusal |
/// | anything `ClientFrameCheckHandler` reports: unmasked frame (1002), message above `maximumMessageLength` (1009), other protocol errors, other client close codes, no close frame at all | — | its message |
/// | a read error (connection reset) | — | the error |
struct WebSocketIngest: Sendable {
    let handler: any PublishHandler
    let logger: Logger

    /// The largest WebSocket frame and message the server accepts: `FrameMessage.maximumMessageLength`
    /// (8 MiB): a 4K keyframe of several hundred KB fits many times
    /// over, and a connection cannot make the server buffer more than this for one message.
    static let maximumMessageLength = FrameMessage.maximumMessageLength

    /// Why the reading of one connection stopped.
    enum End {
        /// The client closed normally (or the stream of messages ended without an error).
        case normal
        /// This route refuses the input: close with `code`; `reason` is logged and sent.
        case refused(WebSocketErrorCode, String)
        /// The connection failed underneath (`ClientFrameCheckHandler`, a read error).
        case failed(any Error)
    }

    func addRoutes(to router: Router<ServeRequestContext>) {
        router.ws("/ingest/:stream") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let request = context.request
            let name = context.requestContext.parameters.get("stream") ?? ""
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            var bearer: String?
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                bearer = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            }
            // The one stream-name rule, whatever handler the route publishes to.
            if let reason = StreamName.refusalReason(name) {
                logger.warning("websocket ingest: publish of \(name.prefix(80)) refused: \(reason)")
                try? await outbound.close(.policyViolation, reason: Self.closeReason("publish refused: \(reason)"))
                return
            }
            let publish = PublishRequest(app: "ingest", streamName: name, query: query, bearerToken: bearer, remoteAddress: "websocket")
            switch await handler.publish(publish) {
            case .refuse(let refusal):
                logger.warning("websocket ingest: publish of \(name) refused: \(refusal.reason)")
                try? await outbound.close(.policyViolation, reason: Self.closeReason("publish refused: \(refusal.reason)"))
                return
            case .accept(let sink):
                var session = FrameIngestSession()
                let clock = ContinuousClock()
                let start = clock.now
                var end = End.normal
                do {
                    reading: for try await message in inbound.messages(maxSize: Self.maximumMessageLength) {
                        guard case .binary(let buffer) = message else {
                            end = .refused(.unacceptableData, "a text message; frame messages are binary (docs/ingest.md)")
                            break reading
                        }
                        let elapsed = start.duration(to: clock.now)
                        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
                        do {
                            for event in try session.receive(Array(buffer.readableBytesView), arrivalMicroseconds: micros) {
                                if !sink.send(event) { await sink.waitForRoom() }  // stop reading the socket meanwhile
                            }
                        } catch {
                            end = .refused(.dataInconsistentWithMessage, "\(error)")
                            break reading
                        }
                    }
                } catch {
                    end = .failed(error)
                }
                for event in session.finish() { sink.send(event) }
                switch end {
                case .normal:
                    sink.finish(reason: nil)
                case .refused(let code, let reason):
                    logger.warning("websocket ingest \(name): closing with code \(Self.describe(code)): \(reason)")
                    sink.finish(reason: reason)
                    try? await outbound.close(code, reason: Self.closeReason(reason))
                case .failed(let error):
                    let reportedEnd = (error as? HTTPServeError)?.isWebSocketEnd == true
                    let reason = reportedEnd ? "\(error)" : "the connection failed: \(error)"
                    logger.warning("websocket ingest \(name): \(reason)")
                    sink.finish(reason: reason)
                    // hummingbird-websocket's own protocol errors close with their code only when
                    // rethrown; the others have been answered already or the connection is gone.
                    if !reportedEnd { throw error }
                }
            }
        }
    }

    /// A close frame's reason: at most 123 bytes of UTF-8 (RFC 6455 §5.5: control frame
    /// payloads are at most 125 bytes, 2 of them the code), cut at a character boundary.
    static func closeReason(_ text: String) -> String {
        var reason = ""
        for character in text {
            guard reason.utf8.count + String(character).utf8.count <= 123 else { break }
            reason.append(character)
        }
        return reason
    }

    static func describe(_ code: WebSocketErrorCode) -> String {
        ClientFrameCheckHandler.describe(UInt16(webSocketErrorCode: code))
    }
}
