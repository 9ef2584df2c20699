//! An application to register a new organization (登记申请).

use sea_orm::entity::prelude::*;

use crate::organization::OrganizationKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registration_application")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ApplicationStatus {
    #[sea_orm(string_value = "submitted")]
    Submitted,
    /// 受理.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// 准予登记.
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
