//! The tenant registry: the platform itself, regions and city bureaus.
//! Not tenant-owned (it is what tenants are), so it carries no `tenant_id`.

use sea_orm::entity::prelude::*;

entity! {
    "tenant" key(id: Uuid) {
        /// URL-safe name used at sign-in and in public paths (`liuzhou`).
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub kind: TenantKind,
        /// GB/T 2260 administrative division code; empty for the platform.
        pub division_code: String,
        /// The region a city belongs to.
        pub parent_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }
}

text_enum! {
    pub enum TenantKind(16) {
        Platform,
        Region,
        City,
    }
}
