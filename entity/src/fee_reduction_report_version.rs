//! Every submitted version of a fee-reduction report, for its history.

use sea_orm::entity::prelude::*;

entity! {
    "fee_reduction_report_version" key(tenant_id: Uuid, report_id: Uuid, version: i32) {
        /// The report and its lines as submitted, as JSON.
        pub snapshot: String,
        pub submitted_by: Uuid,
        pub submitted_at: DateTimeUtc,
    }
}
