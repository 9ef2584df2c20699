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

/// The root span of each request, as tracing-actix-web's default but for
/// the client's address: the one `web::client` resolves (a forwarded
/// address only from a trusted proxy), so the logs and the audit trail
/// name the same client. The default would believe any `X-Forwarded-For`.
pub struct RequestSpans;

impl tracing_actix_web::RootSpanBuilder for RequestSpans {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let request_id = ::web::request::request_id(request.request()).unwrap_or_default();
        let route = request.match_pattern().unwrap_or_else(|| "default".to_owned());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""),
            http.client_ip = %::web::client::address(request.request()).unwrap_or_default(),
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{} {route}", request.method()),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            // The caller, once the session or token names one.
            tenant = tracing::field::Empty,
            user = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
