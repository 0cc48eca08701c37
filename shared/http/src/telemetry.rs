//! Tracing (JSON with `LOG_FORMAT=json`, compact otherwise) and the Prometheus recorder.
//!
//! Request durations are Prometheus *histograms* (`http_request_duration_seconds_bucket`): a
//! summary's quantiles are computed per pod and cannot be combined, while histogram buckets add
//! up across every pod of a function, so `histogram_quantile` over their sum gives the function's
//! latency (knative/base/monitoring/co2-functions.json).

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the global subscriber and metrics recorder (idempotent; the first call wins).
pub fn init(function: &'static str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.compact().try_init()
    };
    prometheus();
    tracing::debug!(function, "telemetry.initialised");
}

/// Upper bounds (seconds) of the request-duration buckets: from the milliseconds of a cached
/// read to the request timeout.
pub const DURATION_BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 25.0];

/// The process's Prometheus handle (installed on first use).
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_duration_seconds".into()), &DURATION_BUCKETS)
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}
