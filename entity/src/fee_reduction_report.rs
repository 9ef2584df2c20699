//! One association's report for one period, with its self-inspection
//! findings (自查自纠). The line items are `fee_reduction_line`.

use sea_orm::entity::prelude::*;

entity! {
    "fee_reduction_report" key(tenant_id: Uuid, id: Uuid) {
        pub period_id: Uuid,
        pub organization_id: Uuid,
        pub status: FeeReportStatus,
        /// Member enterprises, where the association knows it: bounds each
        /// line's enterprises benefited.
        pub member_count: Option<i32>,
        /// Member enterprises any measure reached, each counted once, as
        /// the association states it (the lines' counts overlap).
        pub enterprises_benefited: Option<i32>,
        pub irregular_charges_found: i32,
        /// Irregular charges refunded, in fen.
        pub refunded_fen: i64,
        pub enterprises_refunded: i32,
        /// Increases with every submission; each one is kept in the history.
        pub version: i32,
        pub review_comment: Option<String>,
        pub reviewed_by: Option<Uuid>,
        pub submitted_at: Option<DateTimeUtc>,
        pub reviewed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
}

text_enum! {
    pub enum FeeReportStatus(16) {
        Draft,
        Submitted,
        Approved,
        /// Sent back with comments; edited and submitted again.
        Returned,
    }
}
