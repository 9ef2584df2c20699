//! A complaint about an illegal (unregistered) organization (非法社会组织)
//! and how the bureau handled it.

use sea_orm::entity::prelude::*;

entity! {
    "complaint" key(tenant_id: Uuid, id: Uuid) {
        /// The name the illegal organization uses.
        pub subject_name: String,
        pub description: String,
        /// Who complained, as they gave it (may be empty).
        pub reporter: String,
        pub status: ComplaintStatus,
        pub handling: Option<String>,
        pub recorded_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
}

text_enum! {
    pub enum ComplaintStatus(16) {
        Received,
        Investigating,
        /// Dealt with: banned, dissolved, referred, or found not illegal.
        Closed,
    }
}
