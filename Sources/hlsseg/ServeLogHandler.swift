import Foundation
import Logging

/// Structured log lines for `hlsseg serve`, one event per line in logfmt on stderr:
/// `ts=2025-01-01T12:00:00.123Z level=info logger=hlsseg.serve msg="listening" port=8080`.
struct ServeLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line =
            "ts=\(Date().formatted(.iso8601.time(includingFractionalSeconds: true).year().month().day().dateSeparator(.dash).timeZone(separator: .omitted)))"
        line += " level=\(event.level) logger=\(Self.quote(label)) msg=\(Self.quote("\(event.message)"))"
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(Self.quote("\(value)"))"
        }
        writeStandardError(line + "\n")
    }

    static func quote(_ text: String) -> String {
        if !text.isEmpty, !text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) { return text }
        return "\""
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in ServeLogHandler(label: label, logLevel: level) }
    }
}
