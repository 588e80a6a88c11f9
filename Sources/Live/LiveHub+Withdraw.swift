import Packager

extension LiveHub: RetentionWithdrawing {
    /// Retention's first step for stream `stream` (see `RetentionService`): its segments up to
    /// `sequenceNumber` leave its live playlist, and the archive period playlists that list any
    /// of them are named for removal; nil when the stream has no packager here.
    public func withdraw(stream: String, through sequenceNumber: Int) async throws -> [String]? {
        try await withdrawFromPackager(stream: stream, through: sequenceNumber)
    }

    /// Asks the stream's packager to withdraw the segments (`StreamPackager.withdraw(through:)`).
    /// A stream without a packager here (it ended, or another run recorded it) has its live
    /// playlist rewritten without them on disk (`StreamPackager.withdrawFromEndedPlaylist`),
    /// under this actor, so that no publisher starts it meanwhile; the answer is then nil.
    func withdrawFromPackager(stream: String, through sequenceNumber: Int) async throws -> [String]? {
        if let packager = entries[stream]?.packager {
            return try await packager.withdraw(through: sequenceNumber)
        }
        let configuration = configuration.packager(for: stream)
        guard configuration.archive != nil else { return nil }
        let directory = try entries[stream]?.directory ?? checkedDirectory(of: stream, opened: nil)
        if try StreamPackager.withdrawFromEndedPlaylist(in: directory, configuration: configuration, through: sequenceNumber),
            entries[stream]?.playlistLeftOpen != nil
        {
            // A playlist a killed run left open is still ended on time, as it is now.
            entries[stream]?.playlistLeftOpen = try directory.read(configuration.playlistName)
        }
        return nil
    }
}
