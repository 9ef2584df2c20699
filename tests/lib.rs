//! What the end-to-end tests (`api/`) and the failure drills
//! (`api/tests/drills.rs` in the api package) share: a real SMTP server and
//! fresh PostgreSQL databases.

pub mod postgres;
pub mod smtp;
