//! The one place where domain errors become GraphQL errors, with a stable
//! `extensions.code`. Internal errors are logged with their cause chain and
//! reach the client only as "internal error".
//!
//! async-graphql is built with `custom-error-conversion`, so nothing
//! displayable turns into a client-visible error by accident through `?`.

use async_graphql::ErrorExtensions;

pub mod error_codes {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const VALIDATION: &str = "VALIDATION";
    pub const CONFLICT: &str = "CONFLICT";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL: &str = "INTERNAL";
}

/// What a reader of Chinese is told when the database is out of reach.
pub const UNAVAILABLE_ZH: &str = "数据库暂时无法连接，请稍后重试。";

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
/// An internal error's cause is logged here and goes no further.
pub fn code_of(err: &service::Error) -> &'static str {
    use service::Error as E;
    match err {
        E::Unauthenticated(_) => error_codes::UNAUTHENTICATED,
        E::Forbidden(_) => error_codes::FORBIDDEN,
        E::NotFound(_) => error_codes::NOT_FOUND,
        E::Validation { .. } => error_codes::VALIDATION,
        E::Conflict { .. } => error_codes::CONFLICT,
        E::TooManyAttempts { .. } => error_codes::RATE_LIMITED,
        E::Unavailable(cause) => {
            tracing::warn!(error = %cause, "database unavailable");
            error_codes::UNAVAILABLE
        }
        E::Internal(cause) => {
            tracing::error!(error = ?cause, "internal error");
            error_codes::INTERNAL
        }
    }
}

impl From<service::Error> for ApiError {
    fn from(err: service::Error) -> Self {
        use service::Error as E;
        let code = code_of(&err);
        let (field, zh) = match &err {
            E::Validation { field, zh, .. } => (*field, Some(zh.clone())),
            E::Conflict { zh, .. } => (None, Some(zh.clone())),
            E::Unavailable(_) => (None, Some(UNAVAILABLE_ZH.to_owned())),
            E::TooManyAttempts { retry_after_secs } => {
                (None, Some(service::error::too_many_attempts_zh(*retry_after_secs)))
            }
            _ => (None, None),
        };
        let retry_after = match &err {
            E::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        Self(async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
            // The same message in Chinese, for clients that show it.
            if let Some(zh) = zh {
                ext.set("messageZh", zh);
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        }))
    }
}

/// An input the GraphQL layer itself rejects (a malformed cursor).
pub fn invalid(field: &'static str, message: impl Into<String>, zh: impl Into<String>) -> ApiError {
    service::Error::validation(field, message, zh).into()
}
