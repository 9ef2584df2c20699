//! An application to register a new organization (登记申请).

use sea_orm::entity::prelude::*;

use crate::organization::OrganizationKind;

entity! {
    "registration_application" key(tenant_id: Uuid, id: Uuid) {
        pub status: ApplicationStatus,
        pub applicant_user_id: Uuid,
        /// Where notices about the application go.
        pub contact_email: String,
        pub name: String,
        pub kind: OrganizationKind,
        pub is_industry_association: bool,
        pub business_scope: String,
        pub registered_address: String,
        pub legal_representative: String,
        pub supervising_unit: String,
        /// The reason given with a rejection.
        pub decision_reason: Option<String>,
        pub decided_by: Option<Uuid>,
        /// The organization an approval created.
        pub organization_id: Option<Uuid>,
        pub submitted_at: DateTimeUtc,
        pub accepted_at: Option<DateTimeUtc>,
        pub decided_at: Option<DateTimeUtc>,
        /// When officials were told the application waits too long (once).
        pub overdue_notified_at: Option<DateTimeUtc>,
    }
}

text_enum! {
    pub enum ApplicationStatus(16) {
        Submitted,
        /// 受理.
        Accepted,
        /// 准予登记.
        Approved,
        Rejected,
    }
}
