//! A household registered for relief by a city official. Its people are in
//! `relief_person`; what it holds in `relief_benefit`.

use sea_orm::entity::prelude::*;

entity! {
    "relief_case" key(tenant_id: Uuid, id: Uuid) {
        pub district: String,
        pub street: String,
        pub community: String,
        /// The rest of the address: personal data, masked for all but officials.
        pub address: String,
        pub status: CaseStatus,
        pub outcome: Option<String>,
        pub registered_by: Uuid,
        pub created_at: DateTimeUtc,
        pub closed_by: Option<Uuid>,
        pub closed_at: Option<DateTimeUtc>,
    }
}

text_enum! {
    pub enum CaseStatus(16) {
        Open,
        Closed,
    }
}
