//! A referral as sent to one charitable organization (optionally naming
//! one of its community funds), and its answer.

use sea_orm::entity::prelude::*;

entity! {
    "referral_target" key(tenant_id: Uuid, id: Uuid) {
        pub referral_id: Uuid,
        pub organization_id: Uuid,
        pub fund_id: Option<Uuid>,
        pub status: TargetStatus,
        /// Why it was declined.
        pub reason: Option<String>,
        pub decided_by: Option<Uuid>,
        pub decided_at: Option<DateTimeUtc>,
        /// When the official was told it passed its deadline unanswered.
        pub escalated_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }
}

text_enum! {
    pub enum TargetStatus(16) {
        Sent,
        Accepted,
        Declined,
        /// The charity said the help it took on is done.
        Completed,
    }
}
