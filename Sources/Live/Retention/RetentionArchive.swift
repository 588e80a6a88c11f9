import Packager

/// What retention reads and changes in the archive: the streams whose archive index this
/// server writes, their kept segments, and the durable mark of what is gone. The archive
/// catalog conforms through an adapter; tests use an in-memory archive.
public protocol RetentionArchive: Sendable {
    /// The streams retention looks after: those whose archive index this server writes (live
    /// streams). A folder that `hlsseg segment` wrote under the root is not among them.
    func streams() -> [String]
    /// The stream's kept segments, oldest first (empty for a stream without any). Called once
    /// per stream per pass; must not copy the segments.
    func segments(of stream: String) -> any RetainedSegments
    /// The highest sequence number `retire` has marked gone for the stream (nil: none), as the
    /// archive knows it after a restart: files up to it that are still on disk are left over
    /// from a crash between `retire` and their removal.
    func retiredThrough(stream: String) -> Int?
    /// The stream's segments up to `sequenceNumber` are gone from the archive: durable
    /// (synced to disk) before it returns; later loads never show them again.
    func retire(stream: String, through sequenceNumber: Int) throws
}
