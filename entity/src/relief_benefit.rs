//! A category of government relief a household holds, since when and how
//! much a month.

use sea_orm::entity::prelude::*;

entity! {
    "relief_benefit" key(tenant_id: Uuid, case_id: Uuid) {
        #[sea_orm(primary_key, auto_increment = false)]
        pub category: super::relief_standard::ReliefCategory,
        /// A month, for the household.
        pub amount_fen: i64,
        pub since: Date,
    }
}
