//! One association's report for one period, with its self-inspection
//! findings (自查自纠). The line items are `fee_reduction_line`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fee_reduction_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub period_id: Uuid,
    pub organization_id: Uuid,
    pub status: FeeReportStatus,
    /// Member enterprises, where the association knows it: bounds each
    /// line's enterprises benefited.
    pub member_count: Option<i32>,
    pub irregular_charges_found: i32,
    /// Irregular charges refunded, in fen.
    pub refunded_fen: i64,
    pub enterprises_refunded: i32,
    /// Increases with every submission; each one is kept in the history.
    pub version: i32,
    pub review_comment: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FeeReportStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "submitted")]
    Submitted,
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Sent back with comments; edited and submitted again.
    #[sea_orm(string_value = "returned")]
    Returned,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
