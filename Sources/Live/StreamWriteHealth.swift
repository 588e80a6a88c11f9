import Packager

/// Follows the write failures of one live stream's packager, so that a run of failures (a full
/// disk, an I/O error) is said once when it starts, with its reason, and once when writes
/// succeed again, with what the run lost; never once per segment.
struct StreamWriteHealth: Sendable {
    enum Event: Sendable, Equatable {
        /// Writes started failing: media is lost until they succeed again.
        case failing(PackagerError)
        /// Writes succeed again; `lost` is what the run of failures cost.
        case recovered(lost: StreamPackager.Losses)
    }

    /// What the stream had lost in all when the current run of failures started; nil while
    /// writes succeed.
    private var lossesBeforeRun: StreamPackager.Losses?
    /// Everything the stream lost so far, from the reports seen.
    private(set) var losses = StreamPackager.Losses()

    /// Takes one write's report; returns what to say about it, in order.
    mutating func observe(_ report: StreamPackager.WriteReport) -> [Event] {
        var events: [Event] = []
        if let error = report.writeError, lossesBeforeRun == nil {
            events.append(.failing(error))
            lossesBeforeRun = losses
        }
        losses.add(report.losses)
        if !report.isFailing, let before = lossesBeforeRun {
            events.append(.recovered(lost: losses.since(before)))
            lossesBeforeRun = nil
        }
        return events
    }
}
