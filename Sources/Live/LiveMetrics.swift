import Prometheus

/// Metrics of live ingest, in the server's registry (`GET /metrics`):
/// - `hlsseg_live_segment_publish_seconds{from="keyframe"}`: from the socket read that carried
///   the keyframe starting the next segment to the playlist that lists the finished segment
///   being renamed into place. It includes waiting for the other tracks to reach the cut
///   (audio up to the keyframe's presentation time, which a real-time publisher sends one
///   composition offset after the keyframe).
/// - `hlsseg_live_segment_publish_seconds{from="completing_packet"}`: from the read that carried
///   the packet completing the segment to the rename: the server's own delay.
/// Both end when the new playlist is in place, read on the file-write thread right after the
/// swap (`StreamPackager.WriteReport.Completion.listedAt`), not when the stream's task runs again.
/// - `hlsseg_live_frames_received_total`, `…_segmented_total`, `…_dropped_total`: frames handed
///   to packagers; frames in written segments and video before a stream's first keyframe,
///   both counted when a stream ends. received = segmented + dropped + lost once every stream ended.
/// - `hlsseg_live_frames_lost_total`, `hlsseg_live_media_lost_seconds_total`: frames and seconds
///   of media in segments that could not be written (a full disk, an I/O error), counted as
///   they are lost (see `StreamPackager.Losses`).
/// - `hlsseg_live_file_system_sync_seconds`, `hlsseg_live_file_system_sync_failures_total`: the
///   periodic syncs of the output file system (`--fsync periodic`): how long each waited for
///   the disk, and how many failed. A failure means written files may not survive a power cut.
/// - `hlsseg_live_file_system_synced_through_timestamp_seconds`: the wall-clock time (Unix
///   seconds) at which the last successful sync started: what was written before it is on disk.
/// - `hlsseg_live_rtmp_connections_refused_total{reason="pending_limit"|"buffer_budget"}`: RTMP
///   connections turned away before publishing because a limit all of them share ran out: too
///   many waiting to publish (`--rtmp-max-pending-connections`), or the memory their unfinished
///   messages share (`--rtmp-pending-buffer-budget`). See `RTMPServerLimits`.
/// - `hlsseg_live_rtmp_pending_connections`: RTMP connections that have not had a publish
///   accepted yet.
/// - `hlsseg_archive_bytes{stream}`: bytes of the segments a stream's archive keeps, after each
///   retention pass (see `RetentionService`).
/// - `hlsseg_archive_removed_bytes_total{stream}`, `hlsseg_archive_removed_segments_total{stream}`:
///   bytes and segments retention removed from a stream's archive.
/// The archive metrics get their `stream` label when retention first looks at a stream.
public final class LiveMetrics: Sendable {
    let publishFromKeyframe: DurationHistogram
    let publishFromCompletingPacket: DurationHistogram
    let framesReceived: Counter
    let framesSegmented: Counter
    let framesDropped: Counter
    let framesLost: Counter
    let mediaSecondsLost: Counter
    let fileSystemSync: DurationHistogram
    let fileSystemSyncFailures: Counter
    let fileSystemSyncedThrough: Gauge
    let rtmpRefusedPendingLimit: Counter
    let rtmpRefusedBufferBudget: Counter
    let rtmpPendingConnections: Gauge
    /// Where the per-stream archive metrics are made when a stream first shows up.
    let registry: PrometheusCollectorRegistry

    /// Fine buckets around the 50 ms publish-latency target.
    static let latencyBuckets: [Duration] = [1, 2, 5, 10, 20, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000]
        .map { .milliseconds($0) }

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let publish = MetricNameDescriptor(
            fullName: "hlsseg_live_segment_publish_seconds", helpText: "Live segment publish latency: arrival to playlist renamed")
        publishFromKeyframe = registry.makeDurationHistogram(
            descriptor: publish, labels: [("from", "keyframe")], buckets: Self.latencyBuckets)
        publishFromCompletingPacket = registry.makeDurationHistogram(
            descriptor: publish, labels: [("from", "completing_packet")], buckets: Self.latencyBuckets)
        framesReceived = registry.makeCounter(
            descriptor: MetricNameDescriptor(fullName: "hlsseg_live_frames_received_total", helpText: "Frames handed to live packagers"))
        framesSegmented = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_frames_segmented_total", helpText: "Frames in segments of ended live streams"))
        framesDropped = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_frames_dropped_total", helpText: "Video frames before a live stream's first keyframe (ended streams)"
            ))
        framesLost = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_frames_lost_total",
                helpText: "Frames in live segments that could not be written (disk full, I/O error)"))
        mediaSecondsLost = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_media_lost_seconds_total", helpText: "Seconds of media in live segments that could not be written"))
        fileSystemSync = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_file_system_sync_seconds", helpText: "Periodic syncs of the output file system (--fsync periodic)"),
            buckets: Self.latencyBuckets)
        fileSystemSyncFailures = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_file_system_sync_failures_total", helpText: "Periodic syncs of the output file system that failed"))
        fileSystemSyncedThrough = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_file_system_synced_through_timestamp_seconds",
                helpText: "Unix time at which the last successful sync of the output file system started"))
        let refused = MetricNameDescriptor(
            fullName: "hlsseg_live_rtmp_connections_refused_total",
            helpText: "RTMP connections turned away before publishing because a shared limit ran out")
        rtmpRefusedPendingLimit = registry.makeCounter(descriptor: refused, labels: [("reason", "pending_limit")])
        rtmpRefusedBufferBudget = registry.makeCounter(descriptor: refused, labels: [("reason", "buffer_budget")])
        rtmpPendingConnections = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_live_rtmp_pending_connections", helpText: "RTMP connections that have not had a publish accepted yet"))
    }

    static var archiveBytes: MetricNameDescriptor {
        MetricNameDescriptor(
            fullName: "hlsseg_archive_bytes", helpText: "Bytes of segments a stream's archive keeps (after each retention pass)")
    }
    static var archiveRemovedBytes: MetricNameDescriptor {
        MetricNameDescriptor(
            fullName: "hlsseg_archive_removed_bytes_total", helpText: "Bytes of segments retention removed from a stream's archive")
    }
    static var archiveRemovedSegments: MetricNameDescriptor {
        MetricNameDescriptor(
            fullName: "hlsseg_archive_removed_segments_total", helpText: "Segments retention removed from a stream's archive")
    }

    /// `hlsseg_archive_bytes{stream}` (the registry hands back the same gauge for the same stream).
    func archiveBytes(of stream: String) -> Gauge {
        registry.makeGauge(descriptor: Self.archiveBytes, labels: [("stream", stream)])
    }

    /// `hlsseg_archive_removed_bytes_total{stream}` and `hlsseg_archive_removed_segments_total{stream}`.
    func archiveRemoved(from stream: String) -> (bytes: Counter, segments: Counter) {
        (
            registry.makeCounter(descriptor: Self.archiveRemovedBytes, labels: [("stream", stream)]),
            registry.makeCounter(descriptor: Self.archiveRemovedSegments, labels: [("stream", stream)])
        )
    }
}
