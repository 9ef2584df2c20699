//! Facts about the HTTP request for the audit trail and the logs: its id
//! (the one tracing-actix-web gives every request and the logs print) and
//! the client's address (as [`crate::client`] resolves it). One extractor,
//! [`Meta`], used by GraphQL, the pages and the exports alike, so an audit
//! record names the request whichever door it came in by.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use service::{RequestMeta, TenantContext};
use tracing_actix_web::{RequestId, RootSpan};

/// The request's metadata, as an extractor.
#[derive(Clone, Debug, Default)]
pub struct Meta(pub RequestMeta);

impl Meta {
    pub fn into_inner(self) -> RequestMeta {
        self.0
    }
}

/// The request's id, if the request went through the tracing middleware.
/// Put the caller's city and user on the request's root span, so every log
/// line of the request says whose it was (the span declares both fields
/// empty; see `api::telemetry`).
pub fn name_on_span(req: &HttpRequest, ctx: &TenantContext) {
    if let Some(span) = req.extensions().get::<RootSpan>() {
        span.record("tenant", ctx.tenant_slug.as_str());
        if let Some(user) = ctx.user_id() {
            span.record("user", tracing::field::display(user));
        }
    }
}

pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(ToString::to_string)
}

/// The metadata of `req`: what [`Meta`] extracts, for code that holds the
/// request itself.
pub fn meta(req: &HttpRequest) -> RequestMeta {
    RequestMeta {
        request_id: request_id(req),
        client_addr: crate::client::address(req),
    }
}

impl FromRequest for Meta {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(meta(req))))
    }
}
