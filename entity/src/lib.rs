//! Table definitions, one module per table. Entities are data: every rule
//! about them lives in the `service` crate.

pub mod app_user;
pub mod audit_head;
pub mod audit_log;
pub mod email_outbox;
pub mod idempotency_key;
pub mod organization;
pub mod tenant;
