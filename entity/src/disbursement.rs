//! Money out of a community fund: requested by one member of the managing
//! organization, approved by another (four eyes), then paid.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disbursement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub fund_id: Uuid,
    pub organization_id: Uuid,
    pub purpose: Purpose,
    pub beneficiary_kind: BeneficiaryKind,
    /// Stored in full for the organization; masked on every public field.
    pub beneficiary_name: String,
    pub description: String,
    pub amount_fen: i64,
    pub status: DisbursementStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    pub paid_by: Option<Uuid>,
    pub paid_on: Option<Date>,
    pub payment_reference: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Purpose {
    /// 生活救助.
    #[sea_orm(string_value = "living_aid")]
    LivingAid,
    /// 医疗救助.
    #[sea_orm(string_value = "medical")]
    Medical,
    /// 助学.
    #[sea_orm(string_value = "education")]
    Education,
    /// 养老服务.
    #[sea_orm(string_value = "elderly_services")]
    ElderlyServices,
    /// 儿童关爱.
    #[sea_orm(string_value = "children")]
    Children,
    /// 救灾.
    #[sea_orm(string_value = "disaster")]
    Disaster,
    /// 社区项目.
    #[sea_orm(string_value = "community_projects")]
    CommunityProjects,
    /// 管理费用.
    #[sea_orm(string_value = "administration")]
    Administration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum BeneficiaryKind {
    #[sea_orm(string_value = "person")]
    Person,
    #[sea_orm(string_value = "household")]
    Household,
    #[sea_orm(string_value = "project")]
    Project,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DisbursementStatus {
    #[sea_orm(string_value = "requested")]
    Requested,
    /// Approved: the money is committed and allocated to donations.
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "paid")]
    Paid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
