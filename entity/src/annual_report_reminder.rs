//! That an organization was reminded of a year's annual work report before
//! its due date, so the daily check reminds it once.

use sea_orm::entity::prelude::*;

entity! {
    "annual_report_reminder" key(tenant_id: Uuid, organization_id: Uuid, year: i32) {
        pub sent_on: Date,
    }
}
