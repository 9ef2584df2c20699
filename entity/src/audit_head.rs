//! The newest link of each tenant's audit chain. Locking this row serialises
//! appends per tenant, so concurrent writers cannot fork the chain.

use sea_orm::entity::prelude::*;

entity! {
    "audit_head" key(tenant_id: Uuid) {
        pub seq: i64,
        pub hash: String,
        pub updated_at: DateTimeUtc,
    }
}
