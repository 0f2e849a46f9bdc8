//! Structured JSON logs on stdout, one line per request (see `routes::dispatch`).

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber once; later calls are no-ops. The level comes from `RUST_LOG`
/// (or Lambda's `AWS_LAMBDA_LOG_LEVEL`), `info` by default.
pub fn init() {
    let filter = std::env::var("RUST_LOG")
        .or_else(|_| std::env::var("AWS_LAMBDA_LOG_LEVEL"))
        .map(|level| level.to_ascii_lowercase())
        .unwrap_or_else(|_| "info".to_string());
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(EnvFilter::new(filter))
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .try_init();
}
