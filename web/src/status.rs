//! The one mapping from a domain error to what the client is told: the HTTP
//! status, a stable code (GraphQL `extensions.code`, the exports' JSON),
//! the message in English and in Chinese, and how long to wait before
//! trying again. GraphQL, the portal's pages and the exports all answer
//! through it, so a database outage is a 503 "service unavailable"
//! everywhere, and an internal error's cause is logged here, once, and
//! shown to nobody.

use actix_web::http::StatusCode;

/// The stable codes of errors.
pub mod codes {
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

/// What a reader of Chinese is told of an internal error.
pub const INTERNAL_ZH: &str = "系统内部错误，请稍后再试。";

/// How long a client should wait before retrying during an outage
/// (`Retry-After`, in seconds).
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// What the client is told of one error.
#[derive(Clone, Debug)]
pub struct Status {
    pub status: StatusCode,
    pub code: &'static str,
    /// The message in English (the API's language).
    pub message: String,
    /// The same message in Chinese, where the service or this mapping has
    /// one (validation errors, conflicts, throttling, outages, internal
    /// errors).
    pub zh: Option<String>,
    /// The input field a validation error is about.
    pub field: Option<&'static str>,
    /// Seconds to wait before trying again (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl Status {
    /// The message for a reader of `lang` (`zh-CN` or `en`).
    pub fn message_in(&self, lang: &str) -> &str {
        match &self.zh {
            Some(zh) if lang.starts_with("zh") => zh,
            _ => &self.message,
        }
    }
}

/// The stable code of a domain error (nothing logged).
pub fn code(err: &service::Error) -> &'static str {
    use service::Error as E;
    match err {
        E::Unauthenticated(_) => codes::UNAUTHENTICATED,
        E::Forbidden(_) => codes::FORBIDDEN,
        E::NotFound(_) => codes::NOT_FOUND,
        E::Validation { .. } => codes::VALIDATION,
        E::Conflict { .. } => codes::CONFLICT,
        E::TooManyAttempts { .. } => codes::RATE_LIMITED,
        E::Unavailable(_) => codes::UNAVAILABLE,
        E::Internal(_) => codes::INTERNAL,
    }
}

/// The HTTP status of a domain error (nothing logged).
pub fn http_status(err: &service::Error) -> StatusCode {
    classify(err).status
}

/// What the client is told of `err`. An outage is logged as a warning and
/// an internal error with its cause chain; neither cause goes further.
pub fn of(err: &service::Error) -> Status {
    match err {
        service::Error::Unavailable(cause) => tracing::warn!(error = %cause, "database unavailable"),
        service::Error::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
        _ => {}
    }
    classify(err)
}

fn classify(err: &service::Error) -> Status {
    use service::Error as E;
    let (status, zh, field, retry_after) = match err {
        E::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, None, None, None),
        E::Forbidden(_) => (StatusCode::FORBIDDEN, None, None, None),
        E::NotFound(_) => (StatusCode::NOT_FOUND, None, None, None),
        E::Validation { field, zh, .. } => (StatusCode::BAD_REQUEST, Some(zh.clone()), *field, None),
        E::Conflict { zh, .. } => (StatusCode::CONFLICT, Some(zh.clone()), None, None),
        E::TooManyAttempts { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(service::error::too_many_attempts_zh(*retry_after_secs)),
            None,
            Some(*retry_after_secs),
        ),
        E::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some(UNAVAILABLE_ZH.to_owned()),
            None,
            Some(UNAVAILABLE_RETRY_AFTER_SECS),
        ),
        E::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some(INTERNAL_ZH.to_owned()),
            None,
            None,
        ),
    };
    Status {
        status,
        code: code(err),
        message: err.to_string(),
        zh,
        field,
        retry_after,
    }
}

/// An error as plain HTTP JSON (the exports, and GraphQL requests refused
/// before they run), in the shape of a GraphQL error so clients parse one
/// format whatever went wrong; with `Retry-After` when waiting helps.
pub fn json_response(status: &Status) -> actix_web::HttpResponse {
    let mut extensions = serde_json::json!({ "code": status.code });
    if let Some(zh) = &status.zh {
        extensions["messageZh"] = zh.clone().into();
    }
    if let Some(field) = status.field {
        extensions["field"] = field.into();
    }
    if let Some(seconds) = status.retry_after {
        extensions["retryAfter"] = seconds.into();
    }
    let mut response = actix_web::HttpResponse::build(status.status);
    if let Some(seconds) = status.retry_after {
        response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
    }
    response.json(serde_json::json!({
        "errors": [{ "message": status.message, "extensions": extensions }]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_503_with_a_wait_and_both_languages() {
        let outage = service::Error::Unavailable(sea_orm_conn_error());
        let s = of(&outage);
        assert_eq!(s.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(s.code, codes::UNAVAILABLE);
        assert_eq!(s.retry_after, Some(UNAVAILABLE_RETRY_AFTER_SECS));
        assert_eq!(s.message_in("zh-CN"), UNAVAILABLE_ZH);
        let response = json_response(&s);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().contains_key(actix_web::http::header::RETRY_AFTER));
    }

    #[test]
    fn internal_errors_say_nothing_of_their_cause() {
        let s = of(&service::Error::internal(std::io::Error::other("secret detail")));
        assert_eq!(s.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(s.message, "internal error");
    }

    fn sea_orm_conn_error() -> sea_orm::DbErr {
        sea_orm::DbErr::Custom("connection refused".into())
    }
}
