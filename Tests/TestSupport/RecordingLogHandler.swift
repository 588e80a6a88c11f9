import Logging
import Synchronization

/// A `LogHandler` keeping every message at `.warning` and above (or the logger's level), for
/// tests that check what the server logged. The one log recorder of the HTTP and the live
/// tests (a lower level set on the logger reaches the handler too).
public struct RecordingLogHandler: LogHandler {
    /// The messages logged so far, as "level message"; shared by every copy of the handler.
    public final class Lines: Sendable {
        private let lines = Mutex<[String]>([])

        public init() {}

        public func append(_ line: String) { lines.withLock { $0.append(line) } }
        public var all: [String] { lines.withLock { $0 } }

        public func logger(label: String = "recorded") -> Logger {
            Logger(label: label) { _ in self.handler() }
        }

        /// A handler recording into these lines, e.g. for a `MultiplexLogHandler`.
        public func handler() -> RecordingLogHandler { RecordingLogHandler(lines: self) }

        /// Whether any message so far contains `text`.
        public func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

        /// Waits up to 30 s for a warning (or worse) that starts with `prefix` and contains `text`.
        public func waitFor(_ prefix: String, containing text: String) async -> Bool {
            await waitUntil(seconds: 30) {
                all.contains { line in
                    guard let space = line.firstIndex(of: " ") else { return false }
                    let level = Logger.Level(rawValue: String(line[..<space])) ?? .trace
                    let message = line[line.index(after: space)...]
                    return level >= .warning && message.hasPrefix(prefix) && message.contains(text)
                }
            }
        }
    }

    let lines: Lines
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .warning

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message)")
    }
}
