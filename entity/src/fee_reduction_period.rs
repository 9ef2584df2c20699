//! A reporting period of the burden-reduction campaign (减轻企业负担),
//! opened by a city official: a year or a half-year, with a due date.

use sea_orm::entity::prelude::*;

entity! {
    "fee_reduction_period" key(tenant_id: Uuid, id: Uuid) {
        pub title: String,
        pub year: i32,
        /// `None` for a whole year, 1 or 2 for a half-year.
        pub half: Option<i32>,
        pub due_on: Date,
        pub opened_by: Uuid,
        /// When the seven-days-before reminder went out (once).
        pub reminded_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }
}
