import Foundation

/// The per-run scratch folders of the test targets: `$TMPDIR/hlsseg-tests/<pid>/`. Folders of
/// earlier runs whose process is gone are removed when the first test asks for one, so test
/// runs do not pile up fixture folders in `/tmp` (a run that is still going keeps its own).
public enum TestScratch {
    public static let root: URL = {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("hlsseg-tests", isDirectory: true)
        let fm = FileManager.default
        if let names = try? fm.contentsOfDirectory(atPath: parent.path) {
            for name in names where Int32(name) != nil && !fm.fileExists(atPath: "/proc/\(name)") {
                try? fm.removeItem(at: parent.appendingPathComponent(name))
            }
        }
        let root = parent.appendingPathComponent(String(ProcessInfo.processInfo.processIdentifier), isDirectory: true)
        try? fm.removeItem(at: root)
        try? fm.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }()

    /// A fresh, empty folder `name` (a relative path) under the run's scratch folder.
    public static func directory(_ name: String) throws -> URL {
        let url = root.appendingPathComponent(name, isDirectory: true)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
