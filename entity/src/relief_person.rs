//! A member of a relief household; position 1 is the head.

use sea_orm::entity::prelude::*;

entity! {
    "relief_person" key(tenant_id: Uuid, id: Uuid) {
        pub case_id: Uuid,
        pub position: i32,
        pub name: String,
        /// GB 11643 identity number, check digit verified.
        pub id_number: String,
        /// To the head: 本人, 配偶, 子女, 父母, ...
        pub relationship: String,
        pub disability: String,
        pub health: String,
    }
}
