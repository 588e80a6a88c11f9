extension LiveHub: RetentionWithdrawing {
    /// Retention's first step for stream `stream` (see `RetentionService`): its segments up to
    /// `sequenceNumber` leave its live playlist, and the archive period playlists that list any
    /// of them are named for removal; nil when the stream has no packager here.
    public func withdraw(stream: String, through sequenceNumber: Int) async throws -> [String]? {
        try await withdrawFromPackager(stream: stream, through: sequenceNumber)
    }

    /// Asks the stream's packager to withdraw the segments (`StreamPackager.withdraw(through:)`).
    /// The packager side is added separately, with archive rotation; until then no stream has
    /// segments to withdraw and this answers nil, as for a stream that is not live.
    func withdrawFromPackager(stream: String, through sequenceNumber: Int) async throws -> [String]? {
        nil
    }
}
