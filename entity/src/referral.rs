//! A referral (转介) of a relief case to charity: what is needed, how
//! urgently, by when.

use sea_orm::entity::prelude::*;

entity! {
    "referral" key(tenant_id: Uuid, id: Uuid) {
        pub case_id: Uuid,
        pub urgency: Urgency,
        pub deadline: Date,
        pub note: String,
        pub status: ReferralStatus,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        /// The first day any assistance was delivered.
        pub first_assisted_on: Option<Date>,
        pub closed_at: Option<DateTimeUtc>,
    }
}

text_enum! {
    pub enum Urgency(16) {
        Normal,
        Urgent,
        Critical,
    }
}

text_enum! {
    pub enum ReferralStatus(16) {
        Open,
        Closed,
    }
}
