/// The live side of retention: takes segments out of a live stream's playlists before their
/// files go (the live hub conforms; tests use a recorder).
public protocol RetentionWithdrawing: Sendable {
    /// Takes the stream's segments up to `sequenceNumber` out of its live playlist, and ends the
    /// open archive period playlist if it lists any of them. Returns the archive period
    /// playlists (names relative to the stream folder) that list any of them, which the caller
    /// removes whole; nil when the stream has no packager in this process (it is not live).
    func withdraw(stream: String, through sequenceNumber: Int) async throws -> [String]?
}
