import ArgumentParser
import Foundation
import Logging
import Packager

/// `hlsseg index`: the archive index of a stream root (`<root>/.hlsseg/index/<stream>.idx`).
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Maintain the archive indexes of a stream root.",
        subcommands: [IndexRebuildCommand.self]
    )
}

/// `hlsseg index rebuild ROOT [--stream NAME]`: makes the index files anew from the playlists
/// (archive period playlists and index.m3u8, sizes from the segment files), keeping any
/// retention the old file records. A stream folder without archive playlists or an index file
/// is left alone: it is answered from its index.m3u8 and needs no index.
struct IndexRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild archive index files from the playlists.",
        discussion: """
            ROOT is the folder `hlsseg serve --root` serves. Each stream folder that has archive \
            playlists (archive-*.m3u8) or an index file gets a new <ROOT>/.hlsseg/index/<stream>.idx, \
            written beside the old one and renamed over it. A running server notices the new file; \
            segments it records during the rebuild are added back at its next start. See docs/archive.md.
            """
    )

    @Argument(help: "The stream root.")
    var root: String

    @Option(help: "Rebuild only this stream's index.")
    var stream: String?

    func run() async throws {
        try await reportingFailure {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("\(root) is not a folder: give the stream root that `hlsseg serve --root` serves")
            }
            let catalog = ArchiveCatalog(root: root, logger: Logger(label: "hlsseg.index"))
            let names: [String]
            if let stream {
                guard FileManager.default.fileExists(atPath: root + "/" + stream, isDirectory: &isFolder), isFolder.boolValue else {
                    throw ValidationError("\(root)/\(stream) is not a stream folder")
                }
                names = [stream]
            } else {
                names = try FileManager.default.contentsOfDirectory(atPath: root).filter { name in
                    !name.hasPrefix(".") && FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isFolder)
                        && isFolder.boolValue
                }.sorted()
            }
            var failed = false
            for name in names {
                let indexed = FileManager.default.fileExists(atPath: ArchiveIndexFile.path(root: root, stream: name))
                guard indexed || catalog.hasArchivePlaylists(stream: name) else {
                    print("\(name): skipped (no archive playlists: answered from its index.m3u8)")
                    continue
                }
                do throws(PackagerError) {
                    let rebuilt = try catalog.rebuild(stream: name)
                    print("\(name): \(rebuilt.segments) segments from \(rebuilt.playlists) playlists, \(rebuilt.fileSize) bytes")
                    for skipped in rebuilt.skipped { print("\(name): left out \(skipped)") }
                } catch {
                    printError("hlsseg: error: \(name): \(error.reason)")
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
