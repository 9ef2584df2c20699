//! Help a charity delivered on a referral: money (possibly through a fund
//! disbursement), goods at a valuation, or a service in person-times and
//! hours.

use sea_orm::entity::prelude::*;

entity! {
    "assistance" key(tenant_id: Uuid, id: Uuid) {
        pub target_id: Uuid,
        pub referral_id: Uuid,
        pub case_id: Uuid,
        pub organization_id: Uuid,
        pub kind: super::referral_need::NeedKind,
        /// Money, or the valuation of goods; 0 for services.
        pub amount_fen: i64,
        pub description: String,
        pub service: Option<super::referral_need::Service>,
        pub person_times: i32,
        /// Hours of service, in hundredths.
        pub hours_centi: i64,
        pub delivered_on: Date,
        /// Money paid from a community fund goes through its disbursement flow.
        pub disbursement_id: Option<Uuid>,
        /// Flag: the same help from another organization the same month.
        pub duplicate_of: Option<Uuid>,
        pub recorded_by: Uuid,
        pub created_at: DateTimeUtc,
    }
}
