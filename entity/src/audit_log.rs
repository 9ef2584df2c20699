//! One record per committed business event, hash-chained per tenant.
//! Append-only: nothing updates or deletes these rows.

use sea_orm::entity::prelude::*;

entity! {
    "audit_log" key(tenant_id: Uuid) {
        /// Position in the tenant's chain, from 1, without gaps.
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub id: Uuid,
        pub occurred_at: DateTimeUtc,
        /// `user`, `system` or `anonymous`.
        pub actor_kind: String,
        pub actor_user_id: Option<Uuid>,
        pub actor_role: Option<String>,
        /// The organization the event concerns, so its staff can read it.
        pub organization_id: Option<Uuid>,
        pub action: String,
        pub entity_type: String,
        pub entity_id: String,
        /// Canonical JSON `{"before": {...}, "after": {...}}` of changed fields,
        /// stored exactly as it was hashed.
        pub changes: String,
        pub request_id: Option<String>,
        pub client_addr: Option<String>,
        pub prev_hash: String,
        pub hash: String,
    }
}
