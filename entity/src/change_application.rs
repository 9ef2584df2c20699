//! One application changing several registered items at once
//! (社会组织变更一件事).

use sea_orm::entity::prelude::*;

entity! {
    "change_application" key(tenant_id: Uuid, id: Uuid) {
        pub organization_id: Uuid,
        pub status: ChangeStatus,
        pub submitted_by: Uuid,
        /// The proposed items as JSON: any of `name`, `registered_address`,
        /// `legal_representative`, `business_scope`.
        pub changes: String,
        /// The official's comment when returning it.
        pub comment: Option<String>,
        pub decided_by: Option<Uuid>,
        pub submitted_at: DateTimeUtc,
        pub decided_at: Option<DateTimeUtc>,
    }
}

text_enum! {
    pub enum ChangeStatus(16) {
        Submitted,
        Approved,
        /// 退回: sent back with a comment; the organization files a new one.
        Returned,
    }
}
