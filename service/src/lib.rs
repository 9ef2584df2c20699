//! The Shanlian domain. Every rule, workflow and transaction lives here; the
//! `api` and `web` crates only translate requests into calls on this crate
//! and results back out.
//!
//! Every function that touches tenant-owned data takes a [`TenantContext`];
//! [`Db`] only hands out transactions bound to one, so a query without a
//! tenant cannot be written.

pub mod audit;
pub mod batch;
pub mod bootstrap;
pub mod clock;
pub mod context;
pub mod credit_code;
pub mod db;
pub mod donations;
pub mod error;
pub mod fee_reductions;
pub mod funds;
pub mod idempotency;
pub mod labels;
pub mod money;
pub mod organizations;
pub mod outbox;
pub mod overview;
pub mod page;
pub mod password;
pub mod privacy;
pub mod region;
pub mod relief;
pub(crate) mod scoped;
pub mod seed;
pub mod spending_rules;
pub mod tenants;
pub mod throttle;
pub mod token;
pub mod users;
pub mod validate;

pub use context::{Actor, RequestMeta, TenantContext};
pub use db::Db;
pub use entity::app_user::Role;
pub use entity::tenant::TenantKind;
pub use error::{Error, Result};
pub use money::Money;
