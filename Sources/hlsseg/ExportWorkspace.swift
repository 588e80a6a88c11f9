import Foundation

/// A temporary folder for what `hlsseg export` downloads or segments before exporting;
/// removed when the export ends, whatever the outcome.
struct ExportWorkspace {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("hlsseg-export-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
