//! Structured logs. Each HTTP request runs in a span carrying its request
//! id (tracing-actix-web), and the JSON format prints the current span's
//! fields on every line, so every log line of a request names it.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogSettings;

/// Install the global subscriber once; later calls (tests) are no-ops.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if settings.format == "pretty" {
        registry.with(fmt::layer()).try_init()
    } else {
        registry
            .with(fmt::layer().json().with_current_span(true).with_span_list(false))
            .try_init()
    };
    // Already installed (a second application in one test process): keep it.
    drop(result);
}
