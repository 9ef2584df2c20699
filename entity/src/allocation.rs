//! How much of one donation paid for one disbursement: the stored answer to
//! "where did my money go".

use sea_orm::entity::prelude::*;

entity! {
    "allocation" key(tenant_id: Uuid, disbursement_id: Uuid, donation_id: Uuid) {
        pub amount_fen: i64,
    }
}
