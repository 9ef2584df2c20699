//! Where domain errors become GraphQL errors, with a stable
//! `extensions.code`, through the one mapping in `web::status` that the
//! pages and the exports use too. Internal errors are logged with their
//! cause chain and reach the client only as "internal error".
//!
//! async-graphql is built with `custom-error-conversion`, so nothing
//! displayable turns into a client-visible error by accident through `?`.

use async_graphql::ErrorExtensions;

/// The stable codes, the same for GraphQL, the exports and the pages
/// (one mapping, in `web::status`).
pub use ::web::status::codes as error_codes;

/// A service error translated for the client. Resolvers return it so that
/// `?` on a service call converts through [`From<service::Error>`] and
/// nothing else.
#[derive(Clone, Debug)]
pub struct ApiError(async_graphql::Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<ApiError> for async_graphql::Error {
    fn from(ApiError(err): ApiError) -> Self {
        err
    }
}

/// The stable code of a domain error, for GraphQL and plain HTTP alike.
pub fn code_of(err: &service::Error) -> &'static str {
    ::web::status::code(err)
}

impl From<service::Error> for ApiError {
    fn from(err: service::Error) -> Self {
        // The one mapping (which logs an internal error's cause, and an
        // outage, here and nowhere further).
        let status = ::web::status::of(&err);
        Self(async_graphql::Error::new(status.message.clone()).extend_with(|_, ext| {
            ext.set("code", status.code);
            if let Some(field) = status.field {
                ext.set("field", field);
            }
            // The same message in Chinese, for clients that show it.
            if let Some(zh) = &status.zh {
                ext.set("messageZh", zh.as_str());
            }
            if let Some(seconds) = status.retry_after {
                ext.set("retryAfter", seconds);
            }
        }))
    }
}

/// An input the GraphQL layer itself rejects (a malformed cursor).
pub fn invalid(field: &'static str, message: impl Into<String>, zh: impl Into<String>) -> ApiError {
    service::Error::validation(field, message, zh).into()
}
