//! A claimed idempotency key: the same key from the same user within 24
//! hours replays the first result.

use sea_orm::entity::prelude::*;

entity! {
    "idempotency_key" key(tenant_id: Uuid, user_id: Uuid, key: String) {
        pub operation: String,
        /// SHA-256 of the operation and its input: a reuse with other input is
        /// a conflict, not a replay.
        pub request_hash: String,
        /// The id of what the first call created.
        pub entity_id: Option<String>,
        pub created_at: DateTimeUtc,
    }
}
