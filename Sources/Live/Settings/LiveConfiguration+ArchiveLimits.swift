import Packager

extension LiveConfiguration {
    /// Refuses archive and retention settings that cannot work, before the server starts:
    /// - `--archive-period` shorter than one segment (`hls_time`): every period playlist would
    ///   hold less than one segment (0 turns rotation off and is accepted);
    /// - with rotation, `--dvr-window` shorter than three segments: RFC 8216 (6.2.2) wants a
    ///   live playlist to hold at least three target durations;
    /// - a retention limit with rotation off: the live playlist is then an EVENT playlist,
    ///   which may never lose an entry;
    /// - `--retain-for` shorter than one segment of a stream it applies to: it could never keep
    ///   a whole segment;
    /// - `--retain-max-size` or `--retain-total-size` under `RetentionLimits.minimumSize`.
    /// Each message names the flag and its `hlsseg.yml` key.
    public func checkArchiveLimits() throws(PackagerError) {
        guard archivePeriod.isFinite, archivePeriod >= 0 else {
            throw PackagerError(.invalidConfiguration, "--archive-period (archive_period) must be ≥ 0 (0: no rotation)")
        }
        // The default HLS options, then every stream with its own.
        let targets: [(what: String, packager: PackagerConfiguration, limits: RetentionLimits)] =
            [("the default HLS options", packager, retention)]
            + streams.keys.sorted().map { ("stream \($0)", packager(for: $0), retention(for: $0)) }
        for target in targets {
            let hlsTime = target.packager.hlsTime
            let segment = "one segment of \(target.what) (hls_time \(DurationText.describe(hlsTime)))"
            if archivePeriod > 0 {
                guard archivePeriod >= hlsTime else {
                    throw PackagerError(
                        .invalidConfiguration,
                        "--archive-period (archive_period) \(DurationText.describe(archivePeriod)) is shorter than \(segment); use 0 to turn rotation off"
                    )
                }
                guard dvrWindow >= 3 * hlsTime else {
                    throw PackagerError(
                        .invalidConfiguration,
                        "--dvr-window (dvr_window) \(DurationText.describe(dvrWindow)) is shorter than three segments of \(target.what) (3 × hls_time = \(DurationText.describe(3 * hlsTime))): a live playlist must hold at least three target durations (RFC 8216)"
                    )
                }
            }
            if let maxAge = target.limits.maxAge, maxAge < hlsTime {
                throw PackagerError(
                    .invalidConfiguration,
                    "--retain-for (retain_for) \(DurationText.describe(maxAge)) is shorter than \(segment): it could never keep a whole segment"
                )
            }
            if let maxSize = target.limits.maxSize, maxSize < RetentionLimits.minimumSize {
                throw PackagerError(
                    .invalidConfiguration,
                    "--retain-max-size (retain_max_size) of \(target.what) is \(ByteSize.describe(maxSize)); it must be at least \(ByteSize.describe(RetentionLimits.minimumSize)) (about one segment of a camera)"
                )
            }
        }
        if let retainTotalSize, retainTotalSize < RetentionLimits.minimumSize {
            throw PackagerError(
                .invalidConfiguration,
                "--retain-total-size (retain_total_size) is \(ByteSize.describe(retainTotalSize)); it must be at least \(ByteSize.describe(RetentionLimits.minimumSize)) (about one segment of a camera)"
            )
        }
        if archivePeriod == 0, hasRetention {
            throw PackagerError(
                .invalidConfiguration,
                "retention (--retain-for, --retain-max-size, --retain-total-size) needs archive rotation (--archive-period > 0): without it the live playlist is an EVENT playlist, which may never lose an entry"
            )
        }
    }
}
