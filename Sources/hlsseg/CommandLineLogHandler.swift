import Logging

/// Log lines for a person at a terminal: `hlsseg: warning: <message>` on stderr, no timestamps
/// or labels (the command prints one line per event, as the rest of its output does).
struct CommandLineLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        writeStandardError("hlsseg: \(event.level): \(event.message)\n")
    }

    /// Installs the handler for the whole process; call once, before any Logger is made.
    static func bootstrap(verbose: Bool) {
        LoggingSystem.bootstrap { _ in CommandLineLogHandler(logLevel: verbose ? .info : .warning) }
    }
}
