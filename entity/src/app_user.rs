//! A person who signs in. Users belong to exactly one tenant; the username is
//! unique within it.

use sea_orm::entity::prelude::*;

entity! {
    "app_user" key(tenant_id: Uuid, id: Uuid) {
        pub username: String,
        pub display_name: String,
        pub email: String,
        pub role: Role,
        /// Set for `org_staff`: the organization they act for.
        pub organization_id: Option<Uuid>,
        /// PHC string (argon2id); never leaves the service crate.
        pub password_hash: String,
        /// Preferred language for mail and pages: `zh-CN` or `en`.
        pub language: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// Carried in every token; deactivation and a password change bump it,
        /// which ends every open session at once.
        pub session_version: i32,
    }
}

text_enum! {
    pub enum Role(32) {
        PlatformAdmin,
        RegionOfficial,
        CityOfficial,
        OrgStaff,
        Donor,
    }
}
