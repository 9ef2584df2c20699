//! A charity fund managed by a charitable organization: a community fund
//! (社区发展慈善基金) of one village or urban community, or a special fund
//! (专项基金) named for its cause and not tied to a community. `raised_fen` and
//! `disbursed_fen` are running totals of its ledger (confirmed donations in,
//! approved disbursements out), kept in the same transactions as the ledger
//! rows; a CHECK keeps raised >= disbursed.

use sea_orm::entity::prelude::*;

entity! {
    "charity_fund" key(tenant_id: Uuid, id: Uuid) {
        pub organization_id: Uuid,
        pub name: String,
        pub kind: FundKind,
        /// Empty for a special fund.
        pub community: String,
        pub street: String,
        pub district: String,
        pub raised_fen: i64,
        pub disbursed_fen: i64,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }
}

text_enum! {
    pub enum FundKind(16) {
        /// 社区发展慈善基金: raised and spent for one community.
        Community,
        /// 专项基金: for one cause across the city (e.g. elders in special
        /// hardship, children in hardship).
        Special,
    }
}
