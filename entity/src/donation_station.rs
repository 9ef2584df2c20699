//! A charity donation station (社会慈善捐助站, one of Guilin's "五社三站"):
//! a place in a street or community where residents hand in money and
//! goods, run by a charitable organization whose ledger records the gifts.

use sea_orm::entity::prelude::*;

entity! {
    "donation_station" key(tenant_id: Uuid, id: Uuid) {
        /// The charitable organization that runs it and receives its gifts.
        pub organization_id: Uuid,
        pub name: String,
        pub district: String,
        pub address: String,
        /// Opening hours or a contact, as the public should see them.
        pub hours: String,
        pub opened_on: Date,
        /// When it stopped taking gifts; its gifts stay attributed to it.
        pub closed_on: Option<Date>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }
}
