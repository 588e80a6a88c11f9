/// Makes a stream's index file anew from its playlists (`ArchivePlaylists`) and replaces the
/// old one atomically (written beside it, fsynced, renamed over it).
public struct ArchiveIndexRebuild: Sendable {
    /// Segments in the new index.
    public var segments: Int
    /// Playlists read (archive period playlists and the live one).
    public var playlists: Int
    /// Playlists that could not be read and were left out, with the reason.
    public var skipped: [String]
    /// Bytes of the new file.
    public var fileSize: Int

    /// Rebuilds the index of `stream` under `root`, keeping a retirement at `retiredThrough`
    /// (segments up to it stay out). Call with the file's lock held.
    static func run(root: String, stream: String, retiredThrough: Int?) throws(PackagerError) -> (
        summary: ArchiveIndexRebuild, builder: ArchiveIndexBuilder, identity: ArchiveIndexFile.Identity?
    ) {
        let folder = root + "/" + stream
        let names = ArchivePlaylists.archivePlaylistNames(in: folder) ?? []
        var skipped: [String] = []
        let contents = ArchivePlaylists.contents(folder: folder, names: names, includeLive: true, after: retiredThrough) {
            skipped.append("\($0): \($1)")
        }
        var encoder = ArchiveRecordEncoder()
        var builder = ArchiveIndexBuilder()
        var bytes = ArchiveIndexRecord.header
        bytes.reserveCapacity(bytes.count + contents.segments.count * 40)
        if let retiredThrough {
            bytes += try encoder.encode(.retired(through: retiredThrough))
            builder.retire(through: retiredThrough)
        }
        for segment in contents.segments {
            bytes += try encoder.encode(segment)
            builder.append(segment)
        }
        let directory = try ArchiveIndexFile.directory(root: root)
        try directory.write([bytes], to: stream + ArchiveIndexFile.fileExtension)
        let summary = ArchiveIndexRebuild(
            segments: builder.count, playlists: contents.playlistsRead, skipped: skipped, fileSize: bytes.count)
        return (summary, builder, ArchiveIndexFile.identity(path: ArchiveIndexFile.path(root: root, stream: stream)))
    }
}
