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
    /// Input a person can fix: the message says what and how.
    #[error("{message}")]
    Validation {
        field: Option<&'static str>,
        message: String,
    },
    /// The request clashes with the current state (duplicate, wrong status).
    #[error("{0}")]
    Conflict(String),
    /// Anything else. Logged with its cause chain; clients see "internal error".
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: Some(field),
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        Self::Internal(err.into())
    }
}

/// True when a database error is a unique-key violation: used where a
/// duplicate is an expected outcome that deserves a CONFLICT, not a 500.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
