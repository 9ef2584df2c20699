//! One fee item of a report: what was charged, what the association did
//! about it, how much it saved and for how many enterprises. A line of the
//! measure `support_policy` names the policy won instead of a fee.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fee_reduction_line")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    /// Order within the report, from 1.
    pub position: i32,
    pub fee_item: FeeItem,
    /// Free text naming the fee (required for `other`).
    pub fee_item_detail: String,
    pub measure: Measure,
    pub standard_before_fen: Option<i64>,
    pub standard_after_fen: Option<i64>,
    pub amount_fen: i64,
    pub enterprises: i32,
    pub note: String,
    /// The official's comment on this line when returning the report.
    pub return_comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FeeItem {
    /// 会费.
    #[sea_orm(string_value = "membership")]
    Membership,
    /// 培训费.
    #[sea_orm(string_value = "training")]
    Training,
    /// 评比表彰 / 评估.
    #[sea_orm(string_value = "appraisal")]
    Appraisal,
    /// 咨询费.
    #[sea_orm(string_value = "consulting")]
    Consulting,
    /// 资料 / 出版物.
    #[sea_orm(string_value = "publication")]
    Publication,
    #[sea_orm(string_value = "other")]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Measure {
    /// 取消.
    #[sea_orm(string_value = "cancel")]
    Cancel,
    /// 降低.
    #[sea_orm(string_value = "lower")]
    Lower,
    /// 减免.
    #[sea_orm(string_value = "waive")]
    Waive,
    /// 规范 / 清退.
    #[sea_orm(string_value = "standardize")]
    Standardize,
    /// 为行业争取帮扶政策: support won for the industry (subsidies, policy
    /// relief), which may carry no fee amount.
    #[sea_orm(string_value = "support_policy")]
    SupportPolicy,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
