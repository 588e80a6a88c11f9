import Prometheus

extension MetricNameDescriptor {
    /// The descriptor of the full Prometheus name `name`, split the way swift-prometheus wants
    /// it: the last `_` part is the unit (`hlsseg_http_requests_total` → metric
    /// `hlsseg_http_requests`, unit `total`). The live metrics and HTTPServe's use it.
    public init(fullName name: String, helpText: String) {
        let parts = name.split(separator: "_")
        self.init(metricName: parts.dropLast().joined(separator: "_"), unitName: String(parts.last ?? ""), helpText: helpText)
    }
}
