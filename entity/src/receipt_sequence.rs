//! The last receipt number issued per organization per year. Incremented
//! inside the donation's transaction, so a rolled-back donation gives its
//! number back and the sequence has no gaps.

use sea_orm::entity::prelude::*;

entity! {
    "receipt_sequence" key(tenant_id: Uuid, organization_id: Uuid, year: i32) {
        pub last_number: i32,
    }
}
