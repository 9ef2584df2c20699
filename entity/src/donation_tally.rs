//! Running totals of the confirmed donation ledger, kept in each gift's own
//! transaction so that officials' dashboards and the region roll-up read a
//! few hundred rows instead of scanning a year of gifts.
//!
//! Each row totals one dimension of one year, like a materialised
//! `GROUPING SETS`: exactly one of `organization_id`, `campaign_id`,
//! `channel` and `month` is set, and the others hold their "none" value
//! (the nil id, the empty string, 0). Sentinels rather than NULLs, because
//! the columns make up the primary key that every update upserts on.

use sea_orm::entity::prelude::*;

use super::donation::GiftKind;

entity! {
    "donation_tally" key(tenant_id: Uuid) {
        /// The year of the entries' `received_on`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// 1 to 12 on a month's row, 0 otherwise.
        #[sea_orm(primary_key, auto_increment = false)]
        pub month: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub campaign_id: Uuid,
        /// A money channel's stored name (`wechat_pay`), or empty.
        #[sea_orm(primary_key, auto_increment = false)]
        pub channel: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub gift_kind: GiftKind,
        /// Gifts less reversals, in fen.
        pub fen: i64,
        /// Gifts less voided ones.
        pub gifts: i64,
    }
}
