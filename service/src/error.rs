//! The one domain error type. The API maps each variant to a stable GraphQL
//! `extensions.code` in exactly one place; `Internal` carries its cause for
//! the log and is never shown to a client.

use sea_orm::DbErr;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller did not prove who they are (or the proof is bad).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but their role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The record does not exist *for this tenant*. Records of other tenants
    /// are reported the same way, so ids cannot be probed.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Input a person can fix: the message says what and how, in English
    /// (the API's language) and in Chinese (`zh`, for the portal and for
    /// API clients that show it; written to stand beside the field).
    #[error("{message}")]
    Validation {
        field: Option<&'static str>,
        message: String,
        zh: String,
    },
    /// The request clashes with the current state (duplicate, wrong status),
    /// in English and in Chinese like `Validation`.
    #[error("{message}")]
    Conflict { message: String, zh: String },
    /// Too many failed attempts (sign-in, password, receipt codes) from this
    /// account or address: wait, then try again.
    #[error("too many failed attempts: try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The database cannot be reached (down, restarting, or the pool gave
    /// up waiting for a connection). Worth retrying in a moment; the cause
    /// goes to the log.
    #[error("the database cannot be reached right now: try again in a moment")]
    Unavailable(#[source] DbErr),
    /// Anything else. Logged with its cause chain; clients see "internal error".
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    /// Input to fix, said in English and in Chinese.
    pub fn validation(field: &'static str, message: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::Validation {
            field: Some(field),
            message: message.into(),
            zh: zh.into(),
        }
    }

    /// The message for a reader of `lang` (`zh-CN` or `en`): validation
    /// errors and conflicts have both; other errors are in English.
    pub fn message_in(&self, lang: &str) -> String {
        match self {
            Self::Validation { zh, .. } | Self::Conflict { zh, .. } if lang.starts_with("zh") => zh.clone(),
            Self::TooManyAttempts { retry_after_secs } if lang.starts_with("zh") => {
                too_many_attempts_zh(*retry_after_secs)
            }
            other => other.to_string(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// A clash with the current state, said in English and in Chinese.
    pub fn conflict(message: impl Into<String>, zh: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            zh: zh.into(),
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }
}

/// The Chinese of [`Error::TooManyAttempts`].
pub fn too_many_attempts_zh(retry_after_secs: u64) -> String {
    format!("失败次数过多，请 {retry_after_secs} 秒后再试")
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err)
        } else {
            Self::Internal(err.into())
        }
    }
}

/// True when a database error means the database is out of reach rather
/// than that the statement was wrong: no connection could be had, the
/// connection broke, or PostgreSQL is shutting down or starting up
/// (SQLSTATE classes 08 "connection exception" and 57P "operator
/// intervention").
fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
                true
            }
            sqlx::Error::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        },
        _ => false,
    }
}

/// True when a database error is a unique-key violation: used where a
/// duplicate is an expected outcome that deserves a CONFLICT, not a 500.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// An insert whose duplicate is the caller's mistake: a unique-key
/// violation becomes the CONFLICT `conflict` builds, anything else stays a
/// database error.
pub(crate) trait OrConflict<T> {
    fn or_conflict(self, conflict: impl FnOnce() -> Error) -> Result<T>;
}

impl<T> OrConflict<T> for std::result::Result<T, DbErr> {
    fn or_conflict(self, conflict: impl FnOnce() -> Error) -> Result<T> {
        self.map_err(|e| if is_unique_violation(&e) { conflict() } else { e.into() })
    }
}
