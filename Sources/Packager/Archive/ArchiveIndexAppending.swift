/// Where a packager records each segment it lists in the archive: the archive index of its
/// stream (`ArchiveIndexWriter`), or a test's recorder. Called on the packager's file-write
/// thread after the segment file and every playlist listing it are in place.
public protocol ArchiveIndexAppending: Sendable {
    func append(_ segment: ArchiveSegment) throws(PackagerError)
}
