//! The annual work report (年度工作报告) of an organization for one year,
//! due 31 May of the next year.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "annual_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub year: i32,
    pub status: ReportStatus,
    pub summary: String,
    pub submitted_by: Uuid,
    pub submitted_at: DateTimeUtc,
    pub reviewed_by: Option<Uuid>,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum ReportStatus {
    #[sea_orm(string_value = "submitted")]
    Submitted,
    #[sea_orm(string_value = "passed")]
    Passed,
    #[sea_orm(string_value = "passed_with_issues")]
    PassedWithIssues,
    /// 不合格: the organization must submit again.
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
