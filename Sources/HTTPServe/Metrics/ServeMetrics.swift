import Hummingbird
import Live
import NIOConcurrencyHelpers
import Prometheus

/// The Prometheus registry behind `GET /metrics`.
///
/// Per stream (read from the stream folders at scrape time, so it covers every writer:
/// the demo, `hlsseg segment` into the root, the live ingest):
/// - `hlsseg_stream_segments_written{stream}`: media sequence of the last listed segment + 1
/// - `hlsseg_stream_bytes{stream}`: bytes of the stream's files on disk
/// - `hlsseg_stream_playlist_age_seconds{stream}`: time since the playlist last changed
/// - `hlsseg_stream_live{stream}`: 1 while the playlist has no ENDLIST
///
/// HTTP: `hlsseg_http_requests_total{route,status}`, `hlsseg_http_request_duration_seconds{route}`.
/// Writers inside the process (the demo) add `hlsseg_playlist_update_seconds` (time from a
/// segment's last packet to its playlist being on disk) through `playlistUpdateLatency`.
///
/// Thumbnails: `hlsseg_thumbnails_decoded_total`, keyframes decoded for thumbnails (each a
/// cache miss, successful or not; cache hits and 304s decode nothing).
public final class ServeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Writers in this process record here how long a playlist update took.
    public let playlistUpdateLatency: DurationHistogram
    /// Keyframes decoded for `/api/streams/<name>/thumbnail.jpg`.
    let thumbnailsDecoded: Counter
    private let requestCounters = NIOLockedValueBox([String: Counter]())
    private let durationHistograms = NIOLockedValueBox([String: DurationHistogram]())
    private let knownStreams = NIOLockedValueBox(Set<String>())

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.playlistUpdateLatency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_playlist_update_seconds", helpText: "Time from a segment's last packet to its playlist being on disk"),
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2)])
        self.thumbnailsDecoded = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                fullName: "hlsseg_thumbnails_decoded_total", helpText: "Keyframes decoded for thumbnails (cache misses)"))
    }

    func countRequest(route: String, status: Int, duration: Duration) {
        recorder(route: route, status: status).record(duration)
    }

    /// The counter and histogram of one route and status, for callers that count many
    /// requests and keep it (the event-loop fast path keeps one per status and connection).
    struct RequestRecorder: Sendable {
        let counter: Counter
        let histogram: DurationHistogram

        func record(_ duration: Duration) {
            counter.increment()
            histogram.record(duration)
        }
    }

    func recorder(route: String, status: Int) -> RequestRecorder {
        let key = route + " " + String(status)
        let counter = requestCounters.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(fullName: "hlsseg_http_requests_total", helpText: "HTTP requests by route and status"),
                labels: [("route", route), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        let histogram = durationHistograms.withLockedValue { histograms in
            if let histogram = histograms[route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    fullName: "hlsseg_http_request_duration_seconds", helpText: "Time to produce the response head"),
                labels: [("route", route)],
                buckets: [.microseconds(100), .milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1)])
            histograms[route] = histogram
            return histogram
        }
        return RequestRecorder(counter: counter, histogram: histogram)
    }

    static let streamGauges = [
        ("hlsseg_stream_segments_written", "Segments written (last media sequence + 1)"),
        ("hlsseg_stream_bytes", "Bytes of the stream's files on disk"),
        ("hlsseg_stream_playlist_age_seconds", "Seconds since the playlist changed"),
        ("hlsseg_stream_live", "1 while the playlist has no EXT-X-ENDLIST"),
    ]

    /// Refreshes the per-stream gauges from the folders, then renders the exposition text.
    func render(catalog: StreamCatalog) -> [UInt8] {
        let streams = catalog.allInfo()
        let names = Set(streams.map(\.name))
        for info in streams {
            let labels = [("stream", info.name)]
            let values = [
                Double(info.segmentsWritten), Double(catalog.bytesOnDisk(stream: info.name)), info.updatedSecondsAgo,
                info.live ? 1 : 0,
            ]
            for ((metric, help), value) in zip(Self.streamGauges, values) {
                registry.makeGauge(descriptor: MetricNameDescriptor(fullName: metric, helpText: help), labels: labels).set(to: value)
            }
        }
        let gone = knownStreams.withLockedValue { known in
            let gone = known.subtracting(names)
            known = names
            return gone
        }
        for name in gone {
            let labels = [("stream", name)]
            for (metric, help) in Self.streamGauges {
                let descriptor = MetricNameDescriptor(fullName: metric, helpText: help)
                registry.unregisterGauge(registry.makeGauge(descriptor: descriptor, labels: labels))
            }
        }
        return registry.emitToBuffer()
    }
}

/// Counts every request by route pattern (bounded label values) and status.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.countRequest(route: context.endpointPath ?? "notFound", status: response.status.code, duration: .now - start)
            return response
        } catch let error as any HTTPResponseError {
            metrics.countRequest(route: context.endpointPath ?? "notFound", status: error.status.code, duration: .now - start)
            throw error
        } catch {
            metrics.countRequest(route: context.endpointPath ?? "notFound", status: 500, duration: .now - start)
            throw error
        }
    }
}
