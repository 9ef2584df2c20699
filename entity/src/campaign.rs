//! A fundraising campaign of a charitable organization (e.g. 慈善一日捐,
//! 99公益日), optionally with a matching sponsor who adds a percentage of
//! every qualifying money donation up to a cap.

use sea_orm::entity::prelude::*;

entity! {
    "campaign" key(tenant_id: Uuid, id: Uuid) {
        pub organization_id: Uuid,
        pub name: String,
        pub description: String,
        pub starts_on: Date,
        pub ends_on: Date,
        pub target_fen: Option<i64>,
        /// The matching sponsor (配捐方), if any, with its percentage and cap.
        pub match_sponsor: Option<String>,
        pub match_percent: Option<i32>,
        pub match_cap_fen: Option<i64>,
        /// How much of the cap the sponsor has matched so far.
        pub matched_fen: i64,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
    }
}
