//! Every version an organization has had, for its history.

use sea_orm::entity::prelude::*;

entity! {
    "organization_version" key(tenant_id: Uuid, organization_id: Uuid, version: i32) {
        /// The organization's registered items at this version, as JSON.
        pub snapshot: String,
        /// What made this version (`registration`, `change`, `recognition`…).
        pub cause: String,
        pub change_application_id: Option<Uuid>,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }
}
